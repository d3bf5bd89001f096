import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sorts any number of fixed-size values in bounded memory: values are gathered into a run of
/// at most `runLength`; a full run is sorted and written to an anonymous temporary file
/// (`tmpfile()`: gone when closed, or when the process dies); ``sorted(_:)`` merges the runs.
/// Memory stays at one run plus a read buffer of 1,024 values per spilled run, whatever the
/// number of values (1,000,000 values of 32 bytes: 31 runs, 1 MiB + 1 MiB).
///
/// The order must be total over the values added (no two compare equal), as the merge does not
/// keep the order of equal values.
final class ExternalSorter<Element: BitwiseCopyable> {
    /// Values per run (and the most held in memory at once).
    let runLength: Int
    private let areInIncreasingOrder: (Element, Element) -> Bool
    private var run: [Element] = []
    private var spilled: [(file: UnsafeMutablePointer<FILE>, count: Int)] = []
    /// Values added so far.
    private(set) var count = 0

    /// - Parameters:
    ///   - runLength: values per run, at least 2.
    ///   - areInIncreasingOrder: a strict total order of the values.
    init(runLength: Int = 32_768, by areInIncreasingOrder: @escaping (Element, Element) -> Bool) {
        self.runLength = max(2, runLength)
        self.areInIncreasingOrder = areInIncreasingOrder
    }

    deinit {
        for run in spilled { fclose(run.file) }
    }

    /// Adds a value.
    /// - Throws: `StorageError.temporaryFile` when a full run cannot be written.
    func add(_ value: Element) throws {
        if run.isEmpty { run.reserveCapacity(runLength) }
        run.append(value)
        count += 1
        if run.count == runLength { try spill() }
    }

    /// Sorts the run in memory and writes it to a temporary file.
    private func spill() throws {
        run.sort(by: areInIncreasingOrder)
        guard let file = tmpfile() else { throw StorageError.temporaryFile(reason: String(cString: strerror(errno))) }
        let written = run.withUnsafeBytes { bytes in fwrite(bytes.baseAddress, 1, bytes.count, file) }
        guard written == run.count * MemoryLayout<Element>.stride, fflush(file) == 0 else {
            let reason = String(cString: strerror(errno))
            fclose(file)
            throw StorageError.temporaryFile(reason: reason)
        }
        rewind(file)
        spilled.append((file, run.count))
        run.removeAll(keepingCapacity: true)
    }

    /// Hands every value to `body` in sorted order, then forgets them all.
    /// - Throws: `StorageError.temporaryFile` when a run cannot be read back; whatever `body` throws.
    func sorted(_ body: (Element) throws -> Void) throws {
        var merge = merged()
        while let value = try merge.next() { try body(value) }
    }

    /// The values in sorted order, to be pulled one by one; the sorter is left empty (the merge
    /// owns the runs and closes their files when it is released).
    func merged() -> Merge {
        run.sort(by: areInIncreasingOrder)
        let merge = Merge(memory: run, spilled: spilled.map { RunReader(file: $0.file, count: $0.count) },
                          less: areInIncreasingOrder)
        spilled = []
        run = []
        count = 0
        return merge
    }

    /// A k-way merge of the sorted runs: the spilled ones and the one still in memory, through
    /// a binary heap of the runs' next values (log₂ of the runs comparisons per value).
    struct Merge {
        private let memory: [Element]
        private var memoryIndex = 0
        private var sources: [RunReader]
        private let less: (Element, Element) -> Bool
        private let files: FileCloser
        /// The runs that still have values, as a heap ordered by their next value; run `-1` is
        /// the one in memory.
        private var heap: [(value: Element, run: Int)] = []
        private var started = false

        fileprivate init(memory: [Element], spilled: [RunReader], less: @escaping (Element, Element) -> Bool) {
            self.memory = memory
            sources = spilled
            self.less = less
            files = FileCloser(spilled.map(\.file))
        }

        /// The next value in order, nil after the last.
        /// - Throws: `StorageError.temporaryFile` when a run cannot be read back.
        mutating func next() throws -> Element? {
            if !started {
                started = true
                if !memory.isEmpty { push((memory[0], -1)) }
                for i in sources.indices {
                    if let value = try sources[i].peek() { push((value, i)) }
                }
            }
            guard let top = heap.first else { return nil }
            // Replace the top by its run's next value, or by the last of the heap.
            let following: Element?
            if top.run < 0 {
                memoryIndex += 1
                following = memoryIndex < memory.count ? memory[memoryIndex] : nil
            } else {
                sources[top.run].advance()
                following = try sources[top.run].peek()
            }
            if let following {
                heap[0] = (following, top.run)
            } else {
                let last = heap.removeLast()
                if heap.isEmpty { return top.value }
                heap[0] = last
            }
            siftDown()
            return top.value
        }

        private mutating func push(_ item: (value: Element, run: Int)) {
            heap.append(item)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard less(heap[child].value, heap[parent].value) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }

        private mutating func siftDown() {
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count, less(heap[left].value, heap[smallest].value) { smallest = left }
                if right < heap.count, less(heap[right].value, heap[smallest].value) { smallest = right }
                if smallest == parent { return }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }

    /// Closes the temporary files of a merge when the last copy of the merge is released.
    private final class FileCloser {
        let files: [UnsafeMutablePointer<FILE>]
        init(_ files: [UnsafeMutablePointer<FILE>]) { self.files = files }
        deinit { for file in files { fclose(file) } }
    }

    /// Reads one spilled run back in blocks of 1,024 values.
    fileprivate struct RunReader {
        let file: UnsafeMutablePointer<FILE>
        var remaining: Int
        var buffer: [Element] = []
        var position = 0

        init(file: UnsafeMutablePointer<FILE>, count: Int) {
            self.file = file
            remaining = count
        }

        /// The next value without consuming it, nil when the run is used up.
        mutating func peek() throws -> Element? {
            if position < buffer.count { return buffer[position] }
            guard remaining > 0 else { return nil }
            let wanted = min(remaining, 1_024)
            let file = file
            buffer = [Element](unsafeUninitializedCapacity: wanted) { slots, initialized in
                initialized = fread(slots.baseAddress, MemoryLayout<Element>.stride, wanted, file)
            }
            guard buffer.count == wanted else {
                throw StorageError.temporaryFile(reason: "a sort's temporary file ended early")
            }
            remaining -= wanted
            position = 0
            return buffer[0]
        }

        mutating func advance() { position += 1 }
    }
}
