/// The ids of an engine's sites as one UTF-8 buffer, for writers that list many covering sites
/// per settlement: an id is copied from here without touching its `String` (a retain, a release
/// and a UTF-8 view each), which at a saturated million sites was most of writing every column.
struct SiteIDTable: Sendable {
    private let bytes: [UInt8]
    /// `bytes[starts[i]..<starts[i + 1]]` is site `i`'s id.
    private let starts: [Int]

    /// The ids of `sites`, in order.
    init(_ sites: [CoverageSite]) {
        var bytes: [UInt8] = []
        var starts: [Int] = [0]
        starts.reserveCapacity(sites.count + 1)
        for site in sites {
            var id = site.id
            id.withUTF8 { bytes.append(contentsOf: $0) }
            starts.append(bytes.count)
        }
        self.bytes = bytes
        self.starts = starts
    }

    /// Appends site `index`'s id to `out`.
    func append(_ index: Int, to out: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { all in
            out.append(contentsOf: UnsafeBufferPointer(rebasing: all[starts[index]..<starts[index + 1]]))
        }
    }
}
