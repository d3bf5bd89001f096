/// A small open-addressing hash map from `UInt32` to `UInt32` (linear probing, multiplicative
/// hashing): what a tile needs to give each shared value its index in the tile's value table,
/// several times faster than `Dictionary`'s seeded hashing for this one job.
struct IndexMap {
    private var keys: [UInt32]
    private var values: [UInt32]
    private var mask: Int
    private(set) var count = 0
    private static let empty = UInt32.max

    /// An empty map with room for about `capacity` entries before it grows.
    init(capacity: Int = 32) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt32](repeating: Self.empty, count: size)
        values = [UInt32](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private func slot(_ key: UInt32) -> Int { Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask }

    /// The value of `key` (which must not be `UInt32.max`), or nil.
    @inline(__always)
    func value(_ key: UInt32) -> UInt32? {
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == Self.empty { return nil }
            i = (i + 1) & mask
        }
    }

    /// Sets the value of a key not yet in the map.
    mutating func insert(_ key: UInt32, _ value: UInt32) {
        if (count + 1) * 2 > keys.count { grow() }
        var i = slot(key)
        while keys[i] != Self.empty { i = (i + 1) & mask }
        keys[i] = key
        values[i] = value
        count += 1
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        keys = [UInt32](repeating: Self.empty, count: oldKeys.count * 2)
        values = [UInt32](repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for (k, v) in zip(oldKeys, oldValues) where k != Self.empty { insert(k, v) }
    }
}
