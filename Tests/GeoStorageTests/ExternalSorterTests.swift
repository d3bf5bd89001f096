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

    @Test(arguments: [(0, 7, 3), (1, 7, 3), (5_000, 64, 1), (20_000, 1_000, 64), (20_000, 32_768, 4_096)])
    func sortsOnAThreadOfItsOwnExactlyAsInMemory(count: Int, runLength: Int, batchSize: Int) throws {
        let values = Self.values(count, seed: UInt64(count + runLength + batchSize))
        let sorter = BackgroundSorter<Pair>(runLength: runLength, batchSize: batchSize, by: Self.precedes)
        for value in values { try sorter.add(value) }
        var out: [Pair] = []
        try sorter.sorted { out.append($0) }
        #expect(out == values.sorted(by: Self.precedes))
    }

    @Test func aBackgroundSortStoppedEarlyOrLeftByItsConsumerEnds() throws {
        // Stopped while values are still being added: the thread ends, and adding more fails.
        let early = BackgroundSorter<Pair>(runLength: 16, batchSize: 8, by: Self.precedes)
        for value in Self.values(100, seed: 3) { try early.add(value) }
        early.stop()
        #expect(throws: StorageError.self) { for value in Self.values(100, seed: 4) { try early.add(value) } }
        // Values pulled one at a time, then nothing more may be added.
        let pulled = BackgroundSorter<Pair>(runLength: 16, batchSize: 8, by: Self.precedes)
        let values = Self.values(500, seed: 6)
        for value in values { try pulled.add(value) }
        #expect(pulled.count == 500)
        var out: [Pair] = []
        while let value = try pulled.next() { out.append(value) }
        #expect(out == values.sorted(by: Self.precedes))
        #expect(try pulled.next() == nil)
        #expect(throws: StorageError.self) { try pulled.add(values[0]) }
        // Released without being read: its thread ends (the test would hang otherwise).
        do {
            let dropped = BackgroundSorter<Pair>(runLength: 16, batchSize: 8, by: Self.precedes)
            for value in values { try dropped.add(value) }
        }
        // The consumer fails while taking: the error is its own, and the thread ends.
        struct Stop: Error {}
        let left = BackgroundSorter<Pair>(runLength: 16, batchSize: 8, by: Self.precedes)
        for value in Self.values(10_000, seed: 5) { try left.add(value) }
        var taken = 0
        #expect(throws: Stop.self) {
            try left.sorted { _ in
                taken += 1
                if taken == 100 { throw Stop() }
            }
        }
        left.stop()
        #expect(taken == 100)
    }
}
