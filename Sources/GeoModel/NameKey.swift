// Folding of multilingual place names (Kazakh, Russian, Latin transliterations) into search keys.

import Foundation

/// Folds a place name written in Kazakh Cyrillic, Russian Cyrillic or any common Latin
/// transliteration into a search key, so that spellings of the same name compare equal.
///
/// A key contains only lowercase ASCII letters `a`–`z` and digits `0`–`9`. Folding runs in
/// three stages; each rule is listed here because search results depend on all of them.
///
/// **Stage 1 — one Unicode scalar at a time.**
/// - Cyrillic is transliterated letter by letter (upper and lower case alike):
///   а a, б b, в v, г g, д d, е e, ё e, ж zh, з z, и i, й i, к k, л l, м m, н n, о o, п p,
///   р r, с s, т t, у u, ф f, х h, ц ts, ч ch, ш sh, щ sh, ы i, э e, ю iu, я ia;
///   Kazakh ә a, ғ g, қ k, ң n, ө o, ұ u, ү u, һ h, і i; ъ and ь are dropped.
///   A few neighbouring letters are covered as well (Ukrainian є ї ґ, Belarusian/Uzbek ў,
///   Uzbek/Tajik ҳ ҷ ӣ ӯ, Serbian ђ ј љ њ ћ џ).
/// - Latin letters with diacritics lose them (á→a, ǵ→g, ń→n, ó→o, ú→u, ü→u, ö→o, ä→a,
///   ñ→n, ğ→g, ū→u, İ→i, …), except where the mark makes a different Kazakh or Russian
///   letter: ş ș š → sh, ç č → ch, ž → zh, ŝ → sh (Kazakh Latin 2021, ISO 9 and scholarly
///   transliteration), ý → u (Kazakh Latin 2018 writes у as ý), ŋ → n (ң in the 2019 draft),
///   Latin ə → a and ɵ → o (often typed instead of Cyrillic ә and ө), ı → i, ß → ss, æ → ae,
///   œ → oe, ø → o, ł → l, đ ð → d, þ → th.
/// - ASCII and fullwidth letters are lowercased; every decimal digit becomes its ASCII digit.
/// - Apostrophes (' ’ ‘ ʼ ʻ ´ ` ′ ʹ ʺ), combining marks and invisible format characters are
///   dropped without separating words (“Qyzyl’orda”, “Ша́кпак”, soft hyphens).
/// - Everything else — spaces, hyphens, dashes, punctuation, symbols, emoji, letters of other
///   scripts — is a word separator and is dropped from the key.
///
/// **Stage 2 — variant spellings**, applied left to right, longest pattern first, within a word
/// (never across a separator, so “Ak-Hol” gives `akhol`, not `ahol`):
/// - `dzh`, `dj`, `j` → `zh`: Kazakh ж is written j (Kazakh Latin), zh (official
///   romanisation) or dzh/dj (Russian-era Джамбул, French/English Djambul).
/// - `kh` → `h`: х is kh in Russian-style romanisation and h in Kazakh Latin.
/// - `x` → `ks`: Latin x in names here is almost always Russian кс (Aleksandrovka/Alexandrovka);
///   Uzbek-style x for х is rare in Kazakh data, and the fuzzy tier still catches it.
/// - `ch` → `sh`: Kazakh has no native ч, and Russian-era spellings wrote Kazakh ш as ч
///   (Чу/Шу, Чимкент/Шымкент, Чокпар/Шоқпар). The merge lets the two-letter river name Shu
///   match Chu (too short for fuzzy matching). The only keys it can make collide are a
///   Russian ч-name and a Kazakh ш-name that differ in nothing else, which in practice are
///   the same place.
/// - `shch` → `sh`: щ romanised letter by letter.
/// - `gh` → `g`: ғ is sometimes romanised gh.
/// - `q` → `k`: Kazakh Latin q is қ, which Russian writes к.
/// - `y` → `i`: й, ы, і and и are written y, i, ı or dropped across the systems (Moiynkum,
///   Moyynkum, Моинкум; Zhambyl/Jambyl), so all of them become one vowel `i`.
///
/// **Stage 3 — doubled letters** collapse to one, also across word boundaries (Аккөл and
/// “Ak Kol” both give `akol`; Moiynkum gives `moinkum`). Doubled digits are kept.
///
/// Some distinctions are lost on purpose: ә/а, ө/о, ұ/ү/у, қ/к, ғ/г, ң/н, е/э/ё and і/и/ы/й
/// each fold together, because they are exactly the marks that transliterations disagree on.
/// Known small collisions: Cyrillic с or к followed by х (Асхат) reads like ш or х.
/// Remaining differences (Dzhambul `zhambul` vs Zhambyl `zhambil`) are left to
/// ``NameMatcher``'s fuzzy tier.
///
/// ```swift
/// NameKey.fold("Шақпақ ата")  // "shakpakata"
/// NameKey.fold("Qorday")      // "kordai"
/// NameKey.fold("Мойынқұм")    // "moinkum"
/// ```
public enum NameKey {
    /// Returns the search key of `name`: lowercase ASCII letters and digits only.
    ///
    /// The result is empty when `name` has no letters or digits that fold (empty, whitespace,
    /// punctuation, emoji, or only letters of scripts other than Latin and Cyrillic).
    public static func fold(_ name: String) -> String {
        String(decoding: folded(name).bytes, as: UTF8.self)
    }

    /// Folds `name` and also reports where each of its words lies inside the key.
    static func folded(_ name: String) -> FoldedName {
        // Stage 1: transliterate into lowercase ASCII, remembering where words start.
        var raw: [UInt8] = []
        raw.reserveCapacity(name.utf8.count)
        var wordStarts: [Int] = []
        var inWord = false
        for scalar in name.unicodeScalars {
            let before = raw.count
            switch appendTransliteration(of: scalar, to: &raw) {
            case .letters:
                if raw.count > before, !inWord {
                    wordStarts.append(before)
                    inWord = true
                }
            case .ignorable:
                continue
            case .separator:
                inWord = false
            }
        }
        // Stages 2 and 3: variant spellings and doubled letters.
        var builder = KeyBuilder(capacity: raw.count)
        for (index, start) in wordStarts.enumerated() {
            let end = index + 1 < wordStarts.count ? wordStarts[index + 1] : raw.count
            builder.beginWord()
            normalizeWord(raw[start..<end], into: &builder)
            builder.endWord()
        }
        return FoldedName(bytes: builder.bytes, words: builder.words)
    }
}

/// A folded key together with the extent of each word inside it.
struct FoldedName: Sendable, Equatable {
    /// The key: lowercase ASCII letters and digits.
    var bytes: [UInt8]
    /// Byte ranges of the words of the original name within ``bytes``, in order. Two ranges
    /// share one byte when a doubled letter collapsed across their boundary (“Ak Kol”).
    var words: [Range<Int>]
}

// MARK: - Stage 1: transliteration

/// How one scalar of the input contributes to the key.
private enum ScalarClass {
    /// Letters or digits were appended (possibly none, for ъ and ь).
    case letters
    /// Dropped without ending the current word (apostrophes, combining marks).
    case ignorable
    /// Dropped, and ends the current word.
    case separator
}

private let asciiLowerA: UInt8 = 0x61
private let asciiLowerZ: UInt8 = 0x7A
private let asciiZero: UInt8 = 0x30
private let asciiNine: UInt8 = 0x39

/// Appends the transliteration of `scalar` to `raw` and classifies it.
private func appendTransliteration(of scalar: Unicode.Scalar, to raw: inout [UInt8]) -> ScalarClass {
    let value = scalar.value
    if value < 0x80 {
        let byte = UInt8(value)
        switch byte {
        case asciiLowerA...asciiLowerZ, asciiZero...asciiNine:
            raw.append(byte)
            return .letters
        case 0x41...0x5A:
            raw.append(byte | 0x20)
            return .letters
        case 0x27, 0x60:  // ' and `
            return .ignorable
        default:
            return .separator
        }
    }
    if let latin = TransliterationTables.latin(value) {
        raw.append(contentsOf: latin)
        return .letters
    }
    if let cyrillic = TransliterationTables.cyrillic(value) {
        raw.append(contentsOf: cyrillic)
        return .letters
    }
    switch value {
    case 0xFF21...0xFF3A:  // fullwidth A–Z
        raw.append(UInt8(value - 0xFF21) + asciiLowerA)
        return .letters
    case 0xFF41...0xFF5A:  // fullwidth a–z
        raw.append(UInt8(value - 0xFF41) + asciiLowerA)
        return .letters
    case 0x00B4, 0x2018, 0x2019, 0x201B, 0x2032, 0x02B9, 0x02BA, 0x02BB, 0x02BC, 0x02BD:
        return .ignorable
    default:
        break
    }
    let properties = scalar.properties
    switch properties.generalCategory {
    case .nonspacingMark, .spacingMark, .enclosingMark, .format:
        return .ignorable
    case .decimalNumber:
        if let digit = properties.numericValue, digit >= 0, digit <= 9 {
            raw.append(asciiZero + UInt8(digit))
            return .letters
        }
        return .separator
    default:
        return .separator
    }
}

/// Lookup tables for the non-ASCII scalars that fold to letters.
private enum TransliterationTables {
    /// Russian а…я (U+0430…U+044F), in alphabetical order.
    static let russian: [[UInt8]] = [
        "a", "b", "v", "g", "d", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
        "r", "s", "t", "u", "f", "h", "ts", "ch", "sh", "sh", "", "i", "", "e", "iu", "ia",
    ].map { Array($0.utf8) }

    /// ѐ…џ (U+0450…U+045F): ѐ ё ђ ѓ є ѕ і ї ј љ њ ћ ќ ѝ ў џ.
    static let cyrillicSupplement: [[UInt8]] = [
        "e", "e", "d", "g", "e", "z", "i", "i", "i", "l", "n", "ch", "k", "i", "u", "dzh",
    ].map { Array($0.utf8) }

    /// Letters of the Cyrillic extension block used by Kazakh and its neighbours,
    /// keyed by the lowercase code point.
    static let cyrillicExtended: [UInt32: [UInt8]] = [
        0x0491: "g",  // ґ
        0x0493: "g",  // ғ
        0x049B: "k",  // қ
        0x04A3: "n",  // ң
        0x04AF: "u",  // ү
        0x04B1: "u",  // ұ
        0x04B3: "h",  // ҳ
        0x04B7: "ch",  // ҷ
        0x04BB: "h",  // һ
        0x04D9: "a",  // ә
        0x04E3: "i",  // ӣ
        0x04E9: "o",  // ө
        0x04EF: "u",  // ӯ
    ].mapValues { Array($0.utf8) }

    /// Transliteration of a Cyrillic letter, or `nil` when `value` is not one we fold.
    static func cyrillic(_ value: UInt32) -> [UInt8]? {
        switch value {
        case 0x0410...0x042F: return russian[Int(value - 0x0410)]
        case 0x0430...0x044F: return russian[Int(value - 0x0430)]
        case 0x0400...0x040F: return cyrillicSupplement[Int(value - 0x0400)]
        case 0x0450...0x045F: return cyrillicSupplement[Int(value - 0x0450)]
        case 0x0490...0x04FF:
            // In these ranges capitals sit on even code points, lowercase on the odd one after.
            return cyrillicExtended[value | 1]
        default: return nil
        }
    }

    /// Latin letters whose diacritic marks a different Kazakh or Russian letter, or that have
    /// no canonical decomposition; they win over the decomposition-derived entries.
    private static let latinOverrides: [UInt32: String] = [
        0x00DF: "ss", 0x1E9E: "ss",  // ß ẞ
        0x00E6: "ae", 0x00C6: "ae",  // æ Æ
        0x0153: "oe", 0x0152: "oe",  // œ Œ
        0x00F8: "o", 0x00D8: "o",  // ø Ø
        0x0111: "d", 0x0110: "d", 0x00F0: "d", 0x00D0: "d",  // đ Đ ð Ð
        0x0142: "l", 0x0141: "l",  // ł Ł
        0x00FE: "th", 0x00DE: "th",  // þ Þ
        0x0131: "i",  // ı
        0x0127: "h", 0x0126: "h",  // ħ Ħ
        0x0167: "t", 0x0166: "t",  // ŧ Ŧ
        0x017F: "s",  // ſ
        0x014B: "n", 0x014A: "n",  // ŋ Ŋ (ң in the 2019 Kazakh draft)
        0x0259: "a", 0x018F: "a", 0x01DD: "a",  // ə Ə ǝ (typed for ә)
        0x0275: "o", 0x019F: "o",  // ɵ Ɵ (typed for ө)
        0x015F: "sh", 0x015E: "sh", 0x0219: "sh", 0x0218: "sh",  // ş Ş ș Ș (Kazakh 2021 ш)
        0x0161: "sh", 0x0160: "sh", 0x015D: "sh", 0x015C: "sh",  // š Š ŝ Ŝ (ISO 9 ш, щ)
        0x00E7: "ch", 0x00C7: "ch", 0x010D: "ch", 0x010C: "ch",  // ç Ç č Č (ч)
        0x017E: "zh", 0x017D: "zh",  // ž Ž (ISO 9 ж)
        0x00FD: "u", 0x00DD: "u",  // ý Ý (Kazakh 2018 у)
    ]

    /// Latin letters outside ASCII, folded to lowercase ASCII; built once from the canonical
    /// decompositions of Latin-1 Supplement, Latin Extended-A/B and Latin Extended Additional.
    private static let latinTable: [UInt32: [UInt8]] = {
        var table: [UInt32: [UInt8]] = [:]
        for range in [UInt32(0x00C0)...0x024F, 0x1E00...0x1EFF] {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                let decomposed = String(scalar).decomposedStringWithCanonicalMapping
                guard let base = decomposed.unicodeScalars.first, base.isASCII,
                    base.properties.isAlphabetic
                else { continue }
                table[value] = [UInt8(base.value) | 0x20]
            }
        }
        for (value, replacement) in latinOverrides {
            table[value] = Array(replacement.utf8)
        }
        return table
    }()

    /// ASCII folding of a non-ASCII Latin letter, or `nil` when `value` is not one.
    static func latin(_ value: UInt32) -> [UInt8]? {
        switch value {
        case 0x00C0...0x024F, 0x0259, 0x0275, 0x1E00...0x1EFF: return latinTable[value]
        default: return nil
        }
    }
}

// MARK: - Stages 2 and 3: variant spellings and doubled letters

/// Accumulates the key, collapsing doubled letters and tracking word extents.
private struct KeyBuilder {
    var bytes: [UInt8]
    var words: [Range<Int>] = []
    private var wordStart: Int?

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func beginWord() {
        wordStart = nil
    }

    /// Appends one byte unless it repeats the previous letter.
    mutating func emit(_ byte: UInt8) {
        if byte >= asciiLowerA, let last = bytes.last, last == byte {
            // Collapsed into the previous letter, which this word then shares.
            if wordStart == nil { wordStart = bytes.count - 1 }
            return
        }
        if wordStart == nil { wordStart = bytes.count }
        bytes.append(byte)
    }

    mutating func emit(_ first: UInt8, _ second: UInt8) {
        emit(first)
        emit(second)
    }

    mutating func endWord() {
        if let start = wordStart { words.append(start..<bytes.count) }
        wordStart = nil
    }
}

private enum Letter {
    static let c = UInt8(ascii: "c")
    static let d = UInt8(ascii: "d")
    static let g = UInt8(ascii: "g")
    static let h = UInt8(ascii: "h")
    static let i = UInt8(ascii: "i")
    static let j = UInt8(ascii: "j")
    static let k = UInt8(ascii: "k")
    static let q = UInt8(ascii: "q")
    static let s = UInt8(ascii: "s")
    static let x = UInt8(ascii: "x")
    static let y = UInt8(ascii: "y")
    static let z = UInt8(ascii: "z")
}

/// Applies the variant-spelling rules to one transliterated word.
private func normalizeWord(_ word: ArraySlice<UInt8>, into builder: inout KeyBuilder) {
    var index = word.startIndex
    let end = word.endIndex
    func at(_ offset: Int) -> UInt8 {
        index + offset < end ? word[index + offset] : 0
    }
    while index < end {
        let byte = word[index]
        var consumed = 1
        switch byte {
        case Letter.d where at(1) == Letter.z && at(2) == Letter.h:
            builder.emit(Letter.z, Letter.h)
            consumed = 3
        case Letter.d where at(1) == Letter.j:
            builder.emit(Letter.z, Letter.h)
            consumed = 2
        case Letter.j:
            builder.emit(Letter.z, Letter.h)
        case Letter.k where at(1) == Letter.h:
            builder.emit(Letter.h)
            consumed = 2
        case Letter.x:
            builder.emit(Letter.k, Letter.s)
        case Letter.s where at(1) == Letter.h && at(2) == Letter.c && at(3) == Letter.h:
            builder.emit(Letter.s, Letter.h)
            consumed = 4
        case Letter.c where at(1) == Letter.h:
            builder.emit(Letter.s, Letter.h)
            consumed = 2
        case Letter.g where at(1) == Letter.h:
            builder.emit(Letter.g)
            consumed = 2
        case Letter.q:
            builder.emit(Letter.k)
        case Letter.y:
            builder.emit(Letter.i)
        default:
            builder.emit(byte)
        }
        index += consumed
    }
}
