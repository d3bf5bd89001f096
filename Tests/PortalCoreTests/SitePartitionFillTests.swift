import Coverage
import Geodesy
@testable import PortalCore
import Testing

/// The partition fill that the SpatiaLite store's coverage source decodes the site pack into.
@Suite("Site partition fill")
struct SitePartitionFillTests {
    /// The partitions' slots: gaps closed in order, extra rows refused, failures clean up.
    @Test func partitionFillClosesGapsAndNoticesChangedCounts() throws {
        func site(_ id: String) -> CoverageSite {
            CoverageSite(id: id, operatorName: "operator " + id, technologies: .init(parsing: "4G"),
                         position: GeoPoint(longitude: 71, latitude: 43))
        }
        let sites = try [CoverageSite](unsafeUninitializedCapacity: 5) { buffer, initialized in
            let base = try #require(buffer.baseAddress)
            let fill = SitePartitionFill(base: base, counts: [3, 2])
            // Partition 1 first (threads run in any order); the second row of partition 0 is skipped.
            fill.append(partition: 1) { $0.initialize(to: site("d")); return true }
            fill.append(partition: 0) { $0.initialize(to: site("a")); return true }
            fill.append(partition: 0) { _ in false }
            fill.append(partition: 1) { $0.initialize(to: site("e")); return true }
            #expect(!fill.deliveredAsAnnounced)
            fill.append(partition: 0) { $0.initialize(to: site("c")); return true }
            #expect(fill.deliveredAsAnnounced)
            initialized = fill.closeGaps()
        }
        #expect(sites.map(\.id) == ["a", "c", "d", "e"])
        #expect(sites.map(\.operatorName) == ["operator a", "operator c", "operator d", "operator e"])
        // More rows than announced: not written, and noticed; a failure destroys what was written.
        let none = [CoverageSite](unsafeUninitializedCapacity: 1) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let fill = SitePartitionFill(base: base, counts: [1])
            fill.append(partition: 0) { $0.initialize(to: site("x")); return true }
            fill.append(partition: 0) { _ in Issue.record("a slot beyond the count was offered"); return false }
            #expect(!fill.deliveredAsAnnounced)
            fill.deinitializeAll()
            initialized = 0
        }
        #expect(none.isEmpty)
    }
}
