import Coverage
import Foundation
import GeoModel
import Geodesy
import PortalCore
import QamtuTestSupport
import Testing

/// The core's async entry points run blocking work on threads of their own: Swift's cooperative
/// pool stays free for other tasks (a server's request handlers), and streamed output keeps
/// memory flat.
@Suite("Async surface")
struct AsyncSurfaceTests {
    /// A store with `count` settlements and as many sites at random places in Kazakhstan's box
    /// (seeded, so every run computes the same).
    static func largeStore(count: Int) -> MemoryStore {
        var random = SplitMix64(seed: 20261207)
        func position() -> Geometry {
            .point(GeoPoint(longitude: random.uniform(46.5, 87.3), latitude: random.uniform(40.5, 55.5)))
        }
        let settlementColumns = LayerSchema.settlements.columns.count
        let siteColumns = LayerSchema.sites.columns
        var settlements: [FeatureRecord] = []
        var sites: [FeatureRecord] = []
        for i in 0..<count {
            var values = [FieldValue](repeating: .null, count: settlementColumns)
            values[0] = .text("s\(i)")
            values[LayerSchema.settlements.columnIndex("population") ?? 0] = .integer(100)
            settlements.append(FeatureRecord(values: values, geometry: position()))
            var site = [FieldValue](repeating: .null, count: siteColumns.count)
            func set(_ name: String, _ value: FieldValue) { site[LayerSchema.sites.columnIndex(name) ?? 0] = value }
            set("id", .text("t\(i)"))
            set("kind", .text("base_station"))
            set("status", .text("operational"))
            set("technologies", .text("4G"))
            set("operator", .text(["Kcell", "Beeline", "Tele2"][i % 3]))
            set("range_m", .real(3_000 + Double(i % 7) * 1_000))
            sites.append(FeatureRecord(values: site, geometry: position()))
        }
        let store = MemoryStore()
        store.put(settlements, into: .settlements)
        store.put(sites, into: .sites)
        return store
    }

    /// Eight concurrent coverage runs through the async surface while a timer task ticks every
    /// 10 ms on the cooperative pool: the timer is never held up for long. Were the runs made on
    /// the cooperative pool (2 threads on this machine), the timer would wait until all but one
    /// of them had finished, most of the whole run. The blocking work runs on the executor's
    /// threads, whatever else runs.
    /// It runs in the timing pass only (see `TimingPass`).
    @Test(.timingPassOnly) func heavyCallsDoNotStarveTheCooperativePool() async throws {
        let portal = Portal(store: Self.largeStore(count: 20_000))
        let clock = ContinuousClock()
        let start = clock.now
        let stop = ManagedFlag()
        let timer = Task { () -> (ticks: Int, longestGap: Duration) in
            var ticks = 0
            var longest = Duration.zero
            var last = clock.now
            while !stop.isSet {
                try? await Task.sleep(for: .milliseconds(10))
                let now = clock.now
                longest = max(longest, now - last)
                last = now
                ticks += 1
            }
            return (ticks, longest)
        }
        let runs = try await withThrowingTaskGroup(of: (count: Int, ownThread: Bool).self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await portal.perform { portal in
                        (try portal.coverage(AnalysisRequest(asOfYear: 2026)).result.entries.count, BlockingExecutor.isOnOwnThread)
                    }
                }
            }
            return try await group.reduce(into: [(count: Int, ownThread: Bool)]()) { $0.append($1) }
        }
        let counts = runs.map(\.count)
        #expect(runs.filter { !$0.ownThread }.isEmpty, "the use cases ran on the executor's threads")
        #expect(!BlockingExecutor.isOnOwnThread)
        stop.set()
        let (ticks, longestGap) = await timer.value
        let elapsed = clock.now - start
        #expect(counts == Array(repeating: 20_000, count: 8))
        // The runs take seconds in all; the timer never waits more than a quarter of that (run on
        // the cooperative pool instead, the timer waited 4.25 s of 4.26: all but the last run).
        // Other tests running beside this one load the machine too, so the bound is relative.
        #expect(elapsed > .milliseconds(400), "the work must be heavy enough for the check to mean something")
        #expect(longestGap < elapsed / 4)
        #expect(ticks >= 10)
    }

    /// The store of `kind` with ``largeStore(count:)``'s sites (the SpatiaLite file through an
    /// import of them as CSV, which its chunked parallel export then reads).
    static func largeStore(_ kind: StoreKind, count: Int, in folder: TemporaryFolder) throws -> Portal {
        let memory = largeStore(count: count)
        guard kind != .memory else { return Portal(store: memory) }
        let sink = MemorySink()
        _ = try memory.export(ExportQuery(layer: .sites), options: ExportOptions(format: .csv, precision: 9), to: sink)
        let path = try folder.write("sites.csv", sink.text)
        let portal = Portal(store: try StoreFixture.emptyStore(kind, in: folder, name: "large"))
        _ = try portal.importFeatures(ImportRequest(layer: .sites, path: path))
        return portal
    }

    /// An export streamed through a chunked sink to a slow reader: the same bytes as a file
    /// export, and never more than the sink's budget waiting in memory; on both stores (the
    /// SpatiaLite file's export formats chunks on two threads, written in order into the sink).
    @Test(arguments: StoreKind.allCases) func streamedExportHasBackpressure(kind: StoreKind) async throws {
        let folder = try TemporaryFolder()
        let portal = try Self.largeStore(kind, count: 20_000, in: folder)
        let query = ExportQuery(layer: .sites)
        let whole = MemorySink()
        let total = try await portal.export(query, to: whole)
        #expect(total == 20_000)
        let sink = portal.exportStream(query, sink: ChunkedSink(chunkBytes: 16_384, maximumQueuedBytes: 65_536))
        var received: [UInt8] = []
        var chunks = 0
        for try await chunk in sink {
            received += chunk
            chunks += 1
            if chunks % 16 == 0 { try await Task.sleep(for: .milliseconds(1)) }
        }
        #expect(received == whole.bytes)
        #expect(whole.bytes.count > 1_000_000)
        #expect(sink.peakQueuedBytes <= 65_536 + 16_384)
    }

    /// A reader that goes away stops the writer: its next write fails, and the export ends.
    @Test func cancelledReaderStopsTheWriter() async throws {
        let portal = Portal(store: Self.largeStore(count: 20_000))
        let sink = portal.exportStream(ExportQuery(layer: .sites), sink: ChunkedSink(chunkBytes: 4_096, maximumQueuedBytes: 8_192))
        let first = try await sink.next()
        #expect(first?.count == 4_096)
        sink.cancel()
        // The reader gets an error (its own cancellation, or the writer's), never the rest.
        await #expect(throws: (any Error).self) {
            while try await sink.next() != nil {}
        }
        // The writer stops at its next write: it finishes (with its error) well before the end.
        let deadline = ContinuousClock.now + .seconds(10)
        while !sink.isFinished && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(sink.isFinished)
        #expect(sink.bytesWritten < 1_000_000)
    }

    /// A failure of the use case reaches the reader as the stream's error.
    @Test func failuresReachTheReader() async throws {
        let portal = Portal(store: MemoryStore())
        let sink = portal.exportStream(ExportQuery(layer: .sites), options: ExportOptions(properties: ["nosuch"]))
        await #expect(throws: GeoModelError.unknownField(layer: "sites", field: "nosuch")) {
            while try await sink.next() != nil {}
        }
    }
}

/// A flag one task sets and another reads.
final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    func set() { lock.withLock { value = true } }
}
