/// Remembered conversions of enumeration and set values (``LayerSchema/validate(_:decimalComma:problems:cache:)``):
/// canonicalising `fibre-node;LTE` splits, trims, looks up aliases and sorts, while an import of a
/// million sites meets a few dozen distinct spellings. Only successful conversions of texts are
/// kept, at most `capacity` per column; everything else is converted each time. A cache belongs
/// to one layer and one thread.
public struct ValidationCache {
    private var converted: [Int: [String: FieldValue]] = [:]
    /// The first few spellings kept for each column, by column index: compared one by one
    /// before hashing into ``converted`` (most columns have a handful of spellings).
    private var first: [[(text: String, value: FieldValue)]] = []
    private static let firstCount = 8
    private let capacity: Int

    /// A cache keeping at most `capacity` spellings per column (0: a cache that keeps nothing).
    public init(capacity: Int = 4_096) {
        self.capacity = capacity
    }

    /// `raw` converted to column `index` of `layer`, from the cache when it was converted before.
    mutating func convert(_ raw: RawValue, column index: Int, of layer: LayerSchema,
                          decimalComma: Bool) -> Result<FieldValue, ConversionFailure> {
        let column = layer.columns[index]
        guard capacity > 0, case .string(let text) = raw else {
            return LayerSchema.convert(raw, to: column, decimalComma: decimalComma)
        }
        switch column.type {
        case .enumeration, .set: break
        default: return LayerSchema.convert(raw, to: column, decimalComma: decimalComma)
        }
        if index < first.count {
            for entry in first[index] where entry.text == text { return .success(entry.value) }
        }
        if let value = converted[index]?[text] { return .success(value) }
        let result = LayerSchema.convert(raw, to: column, decimalComma: decimalComma)
        if case .success(let value) = result, converted[index, default: [:]].count < capacity {
            converted[index, default: [:]][text] = value
            if first.count <= index { first += Array(repeating: [], count: index + 1 - first.count) }
            if first[index].count < Self.firstCount { first[index].append((text, value)) }
        }
        return result
    }
}
