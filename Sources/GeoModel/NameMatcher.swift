// Ranked, typo-tolerant place-name search over folded keys (see NameKey).

/// One candidate found by ``NameMatcher`` for a query.
public struct NameMatch: Sendable, Hashable, Codable {
    /// How the query's key matched a candidate's key, from strongest to weakest.
    ///
    /// Ranking always puts a stronger kind before a weaker one, whatever the scores.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The keys are equal (“Қордай” for “Qorday”).
        case exact
        /// The query's key starts the candidate's key (“Shakpak” for “Шақпақата”).
        case prefix
        /// The query's key is one or more whole words of the candidate, not at its start
        /// (“Otar” for “Шақпақата–Отар”).
        case word
        /// The query's key, at least three letters long, occurs inside the candidate's key.
        case substring
        /// The keys, or the query's key and one word of the candidate, differ by a few edits
        /// (optimal string alignment distance; see ``NameMatcher/maxEdits(forKeyLength:)``).
        case fuzzy

        /// 0 for the strongest kind; smaller ranks first.
        var rank: Int {
            switch self {
            case .exact: 0
            case .prefix: 1
            case .word: 2
            case .substring: 3
            case .fuzzy: 4
            }
        }
    }

    /// The candidate's identifier, as given in ``NameMatcher/Candidate/init(id:names:)``.
    public var id: String
    /// The candidate's name that matched, as written (not folded).
    public var name: String
    /// Similarity in `0...1`; `1` only for ``Kind/exact``. Scores of different kinds never
    /// overlap: exact 1, prefix 0.75–0.95, word 0.6–0.75, substring 0.45–0.6, fuzzy 0.1–0.45.
    public var score: Double
    /// How the query matched.
    public var kind: Kind
    /// Edits between the keys for ``Kind/fuzzy`` matches; `0` for the other kinds.
    public var edits: Int

    /// Creates a match; normally produced by ``NameMatcher``.
    public init(id: String, name: String, score: Double, kind: Kind, edits: Int = 0) {
        self.id = id
        self.name = name
        self.score = score
        self.kind = kind
        self.edits = edits
    }
}

/// Finds places by name across Kazakh, Russian and Latin spellings.
///
/// Every name is folded with ``NameKey/fold(_:)``; a query then matches a candidate, from
/// strongest to weakest, when its key is equal to a candidate key (**exact**), starts it
/// (**prefix**), is one or more whole words of it (**word**), occurs inside it
/// (**substring**, queries of 3+ letters) or is within a few edits of it or of one of its
/// words (**fuzzy**). Each candidate id appears at most once, with its best-matching name.
/// Results are ordered by kind, then score (descending), then the candidate's prominence
/// (descending: a town before a hamlet of the same name), then id (ascending), so equal
/// inputs always give equal output.
///
/// Fold a layer once into ``Candidate`` values and search it repeatedly:
///
/// ```swift
/// let matcher = NameMatcher(candidates: [
///     .init(id: "taraz", name: "Taraz", nameKK: "Тараз", nameRU: "Тараз"),
///     .init(id: "shakpak", name: "Шақпақ ата", nameRU: "Шакпак-Ата"),
/// ])
/// matcher.matches(for: "Taras").first?.id  // "taraz" (fuzzy, 1 edit)
/// matcher.resolve("SHAKPAKATA")           // .unique(… id "shakpak" …)
/// ```
///
/// Searching is a linear scan that allocates only the result, and a small buffer for edit
/// distances; comparisons skip on key length and letter sets before computing a banded
/// distance that stops as soon as the limit is exceeded.
public struct NameMatcher: Sendable {
    /// A place to search for: an id and its names, folded once when created.
    public struct Candidate: Sendable {
        /// The identifier reported in ``NameMatch/id``.
        public let id: String
        /// The non-empty names given, in the order given.
        public let names: [String]
        /// The distinct non-empty keys of ``names``; the first name wins a shared key.
        let keys: [IndexedKey]
        /// How prominent the place is (e.g. its population): among matches of the same kind and
        /// score, a larger value ranks first. `0` when unknown.
        public let prominence: Double

        /// Folds `names` (nil and empty entries are skipped; names with equal keys share one
        /// key, reported as the first of them, with the word boundaries of all of them).
        /// `prominence` orders equally good matches (larger first; see ``prominence``).
        public init(id: String, names: [String?], prominence: Double = 0) {
            self.id = id
            self.prominence = prominence
            var kept: [String] = []
            var folded: [(name: FoldedName, nameIndex: Int)] = []
            for case let name? in names where !name.isEmpty {
                let key = NameKey.folded(name)
                if !key.bytes.isEmpty {
                    if let existing = folded.firstIndex(where: { $0.name.bytes == key.bytes }) {
                        folded[existing].name.words += key.words
                    } else {
                        folded.append((key, kept.count))
                    }
                }
                kept.append(name)
            }
            self.names = kept
            self.keys = folded.map { IndexedKey($0.name, nameIndex: $0.nameIndex) }
        }

        /// Folds a feature's usual name attributes: `name`, `name_kk`, `name_ru`, `name_en`.
        public init(
            id: String, name: String?, nameKK: String? = nil, nameRU: String? = nil,
            nameEN: String? = nil
        ) {
            self.init(id: id, names: [name, nameKK, nameRU, nameEN])
        }

        /// The distinct folded keys of this candidate's names, in name order.
        public var foldedKeys: [String] {
            keys.map { String(decoding: $0.bytes, as: UTF8.self) }
        }
    }

    /// The outcome of looking for exactly one place.
    public enum Resolution: Sendable, Hashable {
        /// One id is ranked strictly best.
        case unique(NameMatch)
        /// Several ids tie for best (same kind and, for fuzzy matches, the same score),
        /// best first; at most the requested limit.
        case ambiguous([NameMatch])
        /// Nothing matched; `closest` lists the nearest candidates within a looser edit
        /// limit (possibly none), best first, for a “did you mean …?” message.
        case notFound(closest: [NameMatch])
    }

    /// The candidates searched, in the order given.
    public let candidates: [Candidate]

    /// Creates a matcher over already folded candidates.
    public init(candidates: [Candidate]) {
        self.candidates = candidates
    }

    /// The best matches for `query`, at most `limit`, best first. See ``NameMatcher``.
    public func matches(for query: String, limit: Int = 10) -> [NameMatch] {
        Self.matches(for: query, in: candidates, limit: limit)
    }

    /// Resolves `query` to one place if it can. See ``resolve(_:in:limit:)``.
    public func resolve(_ query: String, limit: Int = 10) -> Resolution {
        Self.resolve(query, in: candidates, limit: limit)
    }

    /// The best matches for `query` among `candidates`, at most `limit`, best first.
    ///
    /// An empty key (empty or whitespace query, only punctuation or emoji) or a `limit` below
    /// 1 gives no matches.
    public static func matches(for query: String, in candidates: [Candidate], limit: Int = 10)
        -> [NameMatch]
    {
        search(NameKey.folded(query).bytes, in: candidates, limit: limit, mode: .standard)
    }

    /// Resolves `query` to a single place, for commands that need exactly one.
    ///
    /// - ``Resolution/unique(_:)`` when exactly one id has the best kind of match (and, for
    ///   fuzzy matches, the best score): an exact match of one id beats any number of prefix
    ///   or fuzzy matches of others. Prefix, word and substring matches of several ids are
    ///   ambiguous whatever their scores, since a shorter completion is no evidence of the
    ///   intended place.
    /// - ``Resolution/ambiguous(_:)`` with the tied matches (at most `max(limit, 2)`).
    /// - ``Resolution/notFound(closest:)`` when nothing matches; the closest candidates are
    ///   searched with ``closestMaxEdits(forKeyLength:)`` edits, at most `max(limit, 2)`.
    public static func resolve(_ query: String, in candidates: [Candidate], limit: Int = 10)
        -> Resolution
    {
        let limit = max(limit, 2)
        let key = NameKey.folded(query).bytes
        let ranked = search(key, in: candidates, limit: limit, mode: .standard)
        guard let best = ranked.first else {
            return .notFound(closest: search(key, in: candidates, limit: limit, mode: .closest))
        }
        let tied = ranked.prefix { match in
            match.kind == best.kind && (best.kind != .fuzzy || match.score == best.score)
        }
        return tied.count == 1 ? .unique(best) : .ambiguous(Array(tied))
    }

    /// Edits tolerated by fuzzy matching between keys whose shorter one has `length` letters:
    /// 0 below 4 letters, 1 for 4–7, 2 for 8 or more.
    public static func maxEdits(forKeyLength length: Int) -> Int {
        switch length {
        case ..<4: 0
        case 4..<8: 1
        default: 2
        }
    }

    /// The looser limit used only for ``Resolution/notFound(closest:)`` suggestions:
    /// one more than ``maxEdits(forKeyLength:)``, or a third of the length if larger;
    /// 0 for keys shorter than 2 letters.
    public static func closestMaxEdits(forKeyLength length: Int) -> Int {
        length < 2 ? 0 : max(maxEdits(forKeyLength: length) + 1, length / 3)
    }
}

// MARK: - Precomputed keys

/// A folded name prepared for matching.
struct IndexedKey: Sendable {
    /// The folded key.
    let bytes: [UInt8]
    /// The set of letters and digits in ``bytes`` (see ``letterMask(_:)``).
    let mask: UInt64
    /// Index of the name this key came from in ``NameMatcher/Candidate/names``.
    let nameIndex: Int
    /// The distinct words of the names folding to this key, sorted by start then end; empty
    /// when the key is one word in every name.
    let words: [WordSpan]
    /// The distinct ends of ``words``, ascending.
    let wordEnds: [Int]

    init(_ folded: FoldedName, nameIndex: Int) {
        bytes = folded.bytes
        mask = folded.bytes.withUnsafeBufferPointer { letterMask($0) }
        self.nameIndex = nameIndex
        let whole = 0..<folded.bytes.count
        let ranges = Set(folded.words).filter { $0 != whole }.sorted {
            $0.lowerBound != $1.lowerBound ? $0.lowerBound < $1.lowerBound : $0.upperBound < $1.upperBound
        }
        words = folded.bytes.withUnsafeBufferPointer { buffer in
            ranges.map { range in
                WordSpan(
                    start: range.lowerBound, end: range.upperBound,
                    mask: letterMask(UnsafeBufferPointer(rebasing: buffer[range])))
            }
        }
        wordEnds = Set(ranges.map(\.upperBound)).sorted()
    }

    /// Whether some word ends at `offset`.
    func hasWordEnd(at offset: Int) -> Bool {
        var low = 0
        var high = wordEnds.count
        while low < high {
            let middle = (low + high) / 2
            if wordEnds[middle] < offset { low = middle + 1 } else { high = middle }
        }
        return low < wordEnds.count && wordEnds[low] == offset
    }
}

/// One word's extent inside an ``IndexedKey``.
struct WordSpan: Sendable {
    let start: Int
    let end: Int
    let mask: UInt64
}

/// A bit per letter (bits 0–25) and digit (bits 26–35) occurring in `key`.
///
/// One edit changes at most two bits, so `popcount(a ^ b) > 2 * k` proves that two keys are
/// more than `k` edits apart without computing the distance.
func letterMask(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var mask: UInt64 = 0
    for byte in key {
        let bit = byte >= 0x61 ? UInt64(byte &- 0x61) : UInt64(byte &- 0x30) &+ 26
        mask |= 1 << (bit & 63)
    }
    return mask
}

// MARK: - Search

extension NameMatcher {
    /// Which matches a search looks for.
    enum SearchMode {
        /// All kinds, fuzzy within ``maxEdits(forKeyLength:)``.
        case standard
        /// Fuzzy only, within ``closestMaxEdits(forKeyLength:)``.
        case closest

        func maxEdits(forKeyLength length: Int) -> Int {
            switch self {
            case .standard: NameMatcher.maxEdits(forKeyLength: length)
            case .closest: NameMatcher.closestMaxEdits(forKeyLength: length)
            }
        }
    }

    /// A candidate's best match, before its strings are copied into a ``NameMatch``.
    struct Hit {
        var candidate: Int
        var nameIndex: Int
        var kind: NameMatch.Kind
        var score: Double
        var edits: Int

        /// Whether `self` is a better match than `other` for the same candidate.
        func beats(_ other: Hit) -> Bool {
            if kind.rank != other.kind.rank { return kind.rank < other.kind.rank }
            if score != other.score { return score > other.score }
            return nameIndex < other.nameIndex
        }
    }

    /// Ranks all candidates against `query` (a folded key) and keeps the best `limit`.
    static func search(
        _ query: [UInt8], in candidates: [Candidate], limit: Int, mode: SearchMode
    ) -> [NameMatch] {
        guard !query.isEmpty, limit > 0 else { return [] }
        var top = TopHits(limit: limit)
        let rowCapacity = 3 * (query.count + 1)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: rowCapacity) { rows in
            query.withUnsafeBufferPointer { queryBuffer in
                let scanner = Scanner(query: queryBuffer, rows: rows, mode: mode)
                for index in candidates.indices {
                    if let hit = scanner.bestHit(for: candidates[index], at: index) {
                        top.insert(hit, candidates: candidates)
                    }
                }
            }
        }
        return top.hits.map { hit in
            let candidate = candidates[hit.candidate]
            return NameMatch(
                id: candidate.id, name: candidate.names[hit.nameIndex], score: hit.score,
                kind: hit.kind, edits: hit.edits)
        }
    }

    /// Compares one query key against candidates.
    struct Scanner {
        let query: UnsafeBufferPointer<UInt8>
        let queryMask: UInt64
        let rows: UnsafeMutableBufferPointer<Int>
        let mode: SearchMode

        init(query: UnsafeBufferPointer<UInt8>, rows: UnsafeMutableBufferPointer<Int>, mode: SearchMode) {
            self.query = query
            self.queryMask = letterMask(query)
            self.rows = rows
            self.mode = mode
        }

        /// The candidate's best match, or `nil`.
        func bestHit(for candidate: Candidate, at index: Int) -> Hit? {
            var best: Hit?
            if mode == .standard {
                for key in candidate.keys {
                    guard let hit = directHit(key, candidate: index) else { continue }
                    if hit.kind == .exact { return hit }
                    if best.map({ hit.beats($0) }) ?? true { best = hit }
                }
                if best != nil { return best }
            }
            for key in candidate.keys {
                guard let hit = fuzzyHit(key, candidate: index) else { continue }
                if best.map({ hit.beats($0) }) ?? true { best = hit }
            }
            return best
        }

        /// An exact, prefix, word or substring match of `key`, or `nil`.
        private func directHit(_ key: IndexedKey, candidate: Int) -> Hit? {
            let queryCount = query.count
            let keyCount = key.bytes.count
            guard keyCount >= queryCount else { return nil }
            return key.bytes.withUnsafeBufferPointer { keyBuffer -> Hit? in
                let ratio = Double(queryCount) / Double(keyCount)
                func hit(_ kind: NameMatch.Kind, _ score: Double) -> Hit {
                    Hit(candidate: candidate, nameIndex: key.nameIndex, kind: kind, score: score, edits: 0)
                }
                guard !occurs(in: keyBuffer, at: 0) else {
                    return keyCount == queryCount ? hit(.exact, 1) : hit(.prefix, 0.75 + 0.2 * ratio)
                }
                // Whole words: the query starts where one word starts and ends where one ends.
                var previousStart = 0
                for word in key.words where word.start > previousStart {
                    previousStart = word.start
                    let end = word.start + queryCount
                    guard end <= keyCount, key.hasWordEnd(at: end), occurs(in: keyBuffer, at: word.start)
                    else { continue }
                    return hit(.word, 0.6 + 0.15 * ratio)
                }
                guard queryCount >= 3, keyCount > queryCount else { return nil }
                let first = query[0]
                for offset in 1...(keyCount - queryCount)
                where keyBuffer[offset] == first && occurs(in: keyBuffer, at: offset) {
                    return hit(.substring, 0.45 + 0.15 * ratio)
                }
                return nil
            }
        }

        /// Whether the query occurs in `key` at `offset` (which must leave room for it).
        private func occurs(in key: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
            for index in 0..<query.count where key[offset + index] != query[index] {
                return false
            }
            return true
        }

        /// The closest fuzzy match of the query to `key` or one of its words, or `nil`.
        private func fuzzyHit(_ key: IndexedKey, candidate: Int) -> Hit? {
            key.bytes.withUnsafeBufferPointer { keyBuffer -> Hit? in
                var best: Hit?
                func consider(_ start: Int, _ end: Int, mask: UInt64, isWord: Bool) {
                    let length = end - start
                    let limit = mode.maxEdits(forKeyLength: min(length, query.count))
                    guard limit > 0, abs(length - query.count) <= limit,
                        (mask ^ queryMask).nonzeroBitCount <= 2 * limit,
                        let edits = boundedOSADistance(
                            UnsafeBufferPointer(rebasing: keyBuffer[start..<end]), query,
                            maxEdits: limit, rows: rows)
                    else { return }
                    let similarity = 1 - Double(edits) / Double(max(length, query.count))
                    let score = 0.1 + 0.35 * max(0, similarity) * (isWord ? 0.9 : 1)
                    let hit = Hit(
                        candidate: candidate, nameIndex: key.nameIndex, kind: .fuzzy, score: score,
                        edits: edits)
                    if best.map({ hit.beats($0) }) ?? true { best = hit }
                }
                consider(0, keyBuffer.count, mask: key.mask, isWord: false)
                for word in key.words {
                    consider(word.start, word.end, mask: word.mask, isWord: true)
                }
                return best
            }
        }
    }

    /// The best hits seen so far, best first, at most one per id.
    struct TopHits {
        let limit: Int
        var hits: [Hit] = []

        init(limit: Int) {
            self.limit = limit
            hits.reserveCapacity(limit + 1)
        }

        /// Whether `a` ranks before `b`: kind, then score, then prominence (larger first), then
        /// id, then position.
        static func ranks(_ a: Hit, before b: Hit, candidates: [Candidate]) -> Bool {
            if a.kind.rank != b.kind.rank { return a.kind.rank < b.kind.rank }
            if a.score != b.score { return a.score > b.score }
            if a.candidate == b.candidate { return a.nameIndex < b.nameIndex }
            let prominenceA = candidates[a.candidate].prominence
            let prominenceB = candidates[b.candidate].prominence
            if prominenceA != prominenceB { return prominenceA > prominenceB }
            let idA = candidates[a.candidate].id
            let idB = candidates[b.candidate].id
            if idA != idB { return idA < idB }
            return a.candidate < b.candidate
        }

        mutating func insert(_ hit: Hit, candidates: [Candidate]) {
            if hits.count == limit, let worst = hits.last,
                !Self.ranks(hit, before: worst, candidates: candidates)
            {
                return
            }
            let id = candidates[hit.candidate].id
            if let existing = hits.firstIndex(where: { candidates[$0.candidate].id == id }) {
                guard Self.ranks(hit, before: hits[existing], candidates: candidates) else { return }
                hits.remove(at: existing)
            }
            let position =
                hits.firstIndex { !Self.ranks($0, before: hit, candidates: candidates) } ?? hits.count
            hits.insert(hit, at: position)
            if hits.count > limit { hits.removeLast() }
        }
    }
}

// MARK: - Edit distance

/// The optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions,
/// no substring edited twice) between `a` and `b`, or `nil` when it exceeds `maxEdits`.
///
/// Only the diagonal band `|i - j| <= maxEdits` is computed, and the computation stops at the
/// first row whose every cell exceeds `maxEdits`. `rows` must hold `3 * (b.count + 1)` values.
func boundedOSADistance(
    _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, maxEdits: Int,
    rows: UnsafeMutableBufferPointer<Int>
) -> Int? {
    let n = a.count
    let m = b.count
    guard maxEdits >= 0, abs(n - m) <= maxEdits else { return nil }
    if n == 0 || m == 0 { return max(n, m) }
    let width = m + 1
    guard rows.count >= 3 * width, let base = rows.baseAddress else { return nil }
    let cap = maxEdits + 1  // any value above maxEdits is stored as cap
    var twoBack = base
    var previous = base + width
    var current = base + 2 * width
    for column in 0...m { previous[column] = min(column, cap) }
    for row in 1...n {
        let low = max(1, row - maxEdits)
        let high = min(m, row + maxEdits)
        current[0] = min(row, cap)
        if low > 1 { current[low - 1] = cap }
        var rowMinimum = low == 1 ? current[0] : cap
        let letter = a[row - 1]
        for column in low...high {
            let other = b[column - 1]
            var value = previous[column - 1] + (letter == other ? 0 : 1)
            value = min(value, previous[column] + 1, current[column - 1] + 1)
            if row > 1, column > 1, letter != other, letter == b[column - 2], a[row - 2] == other {
                value = min(value, twoBack[column - 2] + 1)
            }
            value = min(value, cap)
            current[column] = value
            rowMinimum = min(rowMinimum, value)
        }
        if high < m { current[high + 1] = cap }
        if rowMinimum > maxEdits { return nil }
        (twoBack, previous, current) = (previous, current, twoBack)
    }
    let distance = previous[m]
    return distance <= maxEdits ? distance : nil
}
