import Coverage

/// The coverage input of a store, with the count of features it had to leave out.
public protocol StoreCoverageSource: CoverageDataSource {
    /// Settlements and sites left out (no usable point, unknown kind or status), after loading.
    var skipped: Int { get }
}
