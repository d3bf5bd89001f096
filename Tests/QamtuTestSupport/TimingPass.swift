import Foundation
import Testing

/// Tests that measure time on Swift's cooperative pool run in a pass of their own: beside other
/// tests (whose synchronous bodies occupy the same pool) they would measure those tests.
/// `Scripts/test.sh` runs every test, then these alone with `QAMTU_TIMING_TESTS=1`; in the first
/// pass they are skipped with a comment that says so (never silently, and never left out: the
/// second pass runs them, in CI too).
public enum TimingPass {
    /// Whether this run is the timing pass.
    public static var isActive: Bool { ProcessInfo.processInfo.environment["QAMTU_TIMING_TESTS"] == "1" }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only in the timing pass (see ``TimingPass``).
    public static var timingPassOnly: Self {
        .enabled("runs alone in the timing pass: Scripts/test.sh runs it after the others with QAMTU_TIMING_TESTS=1") {
            TimingPass.isActive
        }
    }
}
