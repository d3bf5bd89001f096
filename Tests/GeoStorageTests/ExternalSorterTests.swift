import QamtuTestSupport
import Testing
@testable import GeoStorage

/// The bounded-memory sort behind the packed R*Tree: runs spilled to temporary files and merged.
@Suite("Import: the external sort")
struct ExternalSorterTests {
    struct Pair: BitwiseCopyable, Equatable {
        var key: UInt64
        var id: Int64
    }

    static func precedes(_ a: Pair, _ b: Pair) -> Bool { a.key != b.key ? a.key < b.key : a.id < b.id }

    /// Values from a fixed seed, with many repeated keys (ties broken by id).
    static func values(_ count: Int, seed: UInt64) -> [Pair] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { Pair(key: random.next() % 97, id: Int64($0)) }
    }

    @Test(arguments: [(0, 7), (1, 7), (6, 7), (7, 7), (8, 7), (1_000, 7), (1_000, 64), (5_000, 4_096)])
    func sortsAcrossSpilledRunsExactlyAsInMemory(count: Int, runLength: Int) throws {
        let values = Self.values(count, seed: UInt64(count * 31 + runLength))
        let sorter = ExternalSorter<Pair>(runLength: runLength, by: Self.precedes)
        for value in values { try sorter.add(value) }
        #expect(sorter.count == count)
        var out: [Pair] = []
        try sorter.sorted { out.append($0) }
        #expect(out == values.sorted(by: Self.precedes))
        // The sorter is empty afterwards, and can be used again.
        #expect(sorter.count == 0)
        try sorter.add(Pair(key: 1, id: 1))
        var again: [Pair] = []
        try sorter.sorted { again.append($0) }
        #expect(again == [Pair(key: 1, id: 1)])
    }

    @Test func aMergeIsPulledOneValueAtATime() throws {
        let values = Self.values(300, seed: 18)
        let sorter = ExternalSorter<Pair>(runLength: 16, by: Self.precedes)
        for value in values { try sorter.add(value) }
        var merge = sorter.merged()
        var out: [Pair] = []
        while let value = try merge.next() { out.append(value) }
        #expect(out == values.sorted(by: Self.precedes))
        #expect(try merge.next() == nil)
    }
}
