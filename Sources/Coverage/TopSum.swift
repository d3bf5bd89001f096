/// The sum of the `capacity` largest positive values offered (a min-heap of them).
struct TopSum<Value: Numeric & Comparable> {
    private var heap: [Value] = []
    private let capacity: Int
    /// The sum of the values kept.
    private(set) var sum: Value = .zero

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        heap.reserveCapacity(min(self.capacity, 1 << 16))
    }

    /// Offers a value: kept when it is among the `capacity` largest so far.
    @inline(__always)
    mutating func offer(_ value: Value) {
        guard capacity > 0, value > .zero else { return }
        if heap.count < capacity {
            heap.append(value)
            sum += value
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard heap[parent] > heap[i] else { break }
                heap.swapAt(parent, i)
                i = parent
            }
        } else if value > heap[0] {
            sum += value - heap[0]
            heap[0] = value
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && heap[l] < heap[m] { m = l }
                if r < heap.count && heap[r] < heap[m] { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
    }
}
