import GeoModel
import Testing

// MARK: - NameKey

@Suite("NameKey folding")
struct NameKeyTests {
    /// Every spelling of one place folds to one key.
    @Test(
        "Spellings of one place share a key",
        arguments: [
            ("shakpakata", ["Шакпаката", "Шақпақ ата", "Shakpak-Ata", "SHAKPAKATA", "Шақпақата", "Şaqpaqata"]),
            ("shakpakataotar", ["Шақпақата–Отар", "Шакпаката - Отар", "Shakpakata-Otar", "Shakpakata — Otar"]),
            ("zhambil", ["Жамбыл", "Jambyl", "Zhambyl", "Djambyl", "Žambyl", "ZHAMBYL"]),
            ("zhambul", ["Dzhambul", "Джамбул", "Djambul"]),
            ("taraz", ["Тараз", "Taraz", "TARAZ", "Ｔａｒａｚ", "Тaраз"]),
            ("moinkum", ["Мойынқұм", "Моинкум", "Moiynkum", "Moyynkum", "Moıynqum", "Мойынкум"]),
            ("kordai", ["Қордай", "Кордай", "Korday", "Qorday", "Kordai", "Qordaı"]),
            ("tolebi", ["Төле би", "Толе би", "Tole Bi", "Töle bi", "Tóle bı"]),
            ("shimkent", ["Шымкент", "Чимкент", "Shymkent", "Chimkent", "Şymkent", "Šymkent", "Čimkent"]),
            ("shu", ["Шу", "Чу", "Shu", "Chu", "Shý"]),
            ("sarisu", ["Сарысу", "Sarysu", "Sarisu"]),
            ("zhanatas", ["Жаңатас", "Zhanatas", "Jańatas", "Jañatas", "Janatas"]),
            ("aulieata", ["Әулиеата", "Аулие-Ата", "Aulie-Ata", "Auliye-Ata", "Áýlıeata"]),
            ("aleksandrovka", ["Александровка", "Aleksandrovka", "Alexandrovka"]),
            ("akol", ["Аккөл", "Ak Kol", "Akkol", "Aqköl"]),
            ("kizilorda", ["Қызылорда", "Kyzylorda", "Qyzylorda", "Qyzyl’orda", "Кызыл-Орда"]),
            ("hantau", ["Хантау", "Khantau", "Hantau", "Һантау"]),
        ] as [(String, [String])]
    )
    func sharedKey(expected: String, spellings: [String]) {
        for spelling in spellings {
            #expect(NameKey.fold(spelling) == expected, "\(spelling)")
        }
    }

    /// Each variant-spelling rule, on its own.
    @Test(
        "Variant-spelling rules",
        arguments: [
            ("dzh", "zh"), ("dj", "zh"), ("j", "zh"), ("zh", "zh"),
            ("kh", "h"), ("x", "ks"), ("ch", "sh"), ("shch", "sh"), ("щ", "sh"), ("gh", "g"),
            ("q", "k"), ("y", "i"), ("ı", "i"), ("й", "i"), ("ы", "i"), ("і", "i"),
            ("ц", "ts"), ("ю", "iu"), ("я", "ia"), ("ё", "e"), ("э", "e"),
            ("ә", "a"), ("ғ", "g"), ("қ", "k"), ("ң", "n"), ("ө", "o"), ("ұ", "u"), ("ү", "u"), ("һ", "h"),
            ("ǵ", "g"), ("ń", "n"), ("ó", "o"), ("ú", "u"), ("á", "a"), ("ý", "u"), ("ş", "sh"), ("ç", "sh"),
            ("ñ", "n"), ("ğ", "g"), ("ü", "u"), ("ö", "o"), ("ä", "a"), ("ū", "u"), ("ŋ", "n"), ("ə", "a"),
            ("Straße", "strase"), ("ł", "l"), ("ø", "o"),
            ("объезд", "obezd"), ("Каменка", "kamenka"),
        ] as [(String, String)]
    )
    func rule(input: String, expected: String) {
        #expect(NameKey.fold(input) == expected)
    }

    @Test("Doubled letters collapse, doubled digits do not")
    func doubled() {
        #expect(NameKey.fold("Kassym") == "kasim")
        #expect(NameKey.fold("Ooo-Aaa") == "oa")
        #expect(NameKey.fold("Аул 100") == "aul100")
        #expect(NameKey.fold("Aul 2") != NameKey.fold("Aul 3"))
    }

    @Test("Digits from any script become ASCII digits")
    func digits() {
        #expect(NameKey.fold("٣ aul") == "3aul")
        #expect(NameKey.fold("Разъезд №７") == "razezd7")
    }

    @Test("Rewrites stay inside a word")
    func wordBoundaries() {
        #expect(NameKey.fold("Ak-Hol") == "akhol")
        #expect(NameKey.fold("Akhol") == "ahol")
        #expect(NameKey.fold("Dj Ambul") == "zhambul")
        #expect(NameKey.fold("D Jambul") == "dzhambul")
    }

    @Test(
        "Inputs with nothing to fold give an empty key",
        arguments: ["", " ", "\t\n  ", "-–—", "'’", "🏙️🚀", "東京", "!?.,;:()", "\u{00AD}\u{200D}", "ъ ь"]
    )
    func emptyKey(input: String) {
        #expect(NameKey.fold(input) == "")
    }

    @Test("Emoji, other scripts and invisible characters are dropped around names")
    func mixedScripts() {
        #expect(NameKey.fold("🏙️ Taraz 🚀") == "taraz")
        #expect(NameKey.fold("東京 Taraz") == "taraz")
        #expect(NameKey.fold("Ta\u{00AD}raz") == "taraz")
        #expect(NameKey.fold("Ша́кпак") == "shakpak")  // combining acute accent
        #expect(NameKey.fold("Тараз (Taraz)") == "taraztaraz")
        #expect(NameKey.fold("Ta🙂raz") == "taraz")
    }

    @Test("Very long names fold in linear time")
    func longName() {
        let long = String(repeating: "Шақпақ ата – ", count: 20_000)
        let key = NameKey.fold(long)
        #expect(key.utf8.count == 20_000 * "shakpakata".utf8.count)
        #expect(key.hasPrefix("shakpakatashakpakata"))
        #expect(key.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) })
    }
}

// MARK: - NameMatcher

/// A small gazetteer of Zhambyl oblast.
private let gazetteer: [NameMatcher.Candidate] = [
    .init(id: "taraz", name: "Taraz", nameKK: "Тараз", nameRU: "Тараз", nameEN: "Taraz"),
    .init(id: "shakpakata", name: "Шақпақата", nameRU: "Шакпаката", nameEN: "Shakpak-Ata"),
    .init(id: "shakpakata-otar", name: "Шақпақата–Отар", nameRU: "Шакпаката - Отар", nameEN: "Shakpakata-Otar"),
    .init(id: "otar", name: "Отар", nameEN: "Otar"),
    .init(id: "kordai", name: "Қордай", nameRU: "Кордай", nameEN: "Korday"),
    .init(id: "moiynkum", name: "Мойынқұм", nameRU: "Моинкум", nameEN: "Moiynkum"),
    .init(id: "tole-bi", name: "Төле би", nameRU: "Толе би", nameEN: "Tole Bi"),
    .init(id: "zhambyl", name: "Жамбыл", nameEN: "Zhambyl"),
    .init(id: "zhambyl-oblast", name: "Жамбыл облысы", nameRU: "Жамбылская область", nameEN: "Zhambyl Region"),
    .init(id: "shu", name: "Шу", nameRU: "Шу", nameEN: "Shu"),
    .init(id: "shu-river", name: "Шу өзені", nameRU: "река Чу", nameEN: "Chu River"),
    .init(id: "sarysu", name: "Сарысу", nameEN: "Sarysu"),
    .init(id: "karatau", name: "Қаратау", nameRU: "Каратау", nameEN: "Karatau"),
    .init(id: "aulieata", name: "Әулиеата", nameRU: "Аулие-Ата", nameEN: "Aulie-Ata"),
]

private let matcher = NameMatcher(candidates: gazetteer)

/// A compact, comparable view of a result list.
private func summary(_ matches: [NameMatch]) -> [String] {
    matches.map { "\($0.id) \($0.kind.rawValue)" }
}

@Suite("NameMatcher")
struct NameMatcherTests {
    @Test(
        "Any script finds the place exactly",
        arguments: [
            ("Taraz", "taraz"), ("тараз", "taraz"), ("Qorday", "kordai"), ("Кордай", "kordai"),
            ("Moyynkum", "moiynkum"), ("Моинкум", "moiynkum"), ("Толе би", "tole-bi"),
            ("SHAKPAKATA", "shakpakata"), ("Shakpakata-Otar", "shakpakata-otar"), ("Jambyl", "zhambyl"),
            ("Chu", "shu"), ("Auliye-Ata", "aulieata"), ("🏙️ Taraz!", "taraz"),
        ] as [(String, String)]
    )
    func exact(query: String, id: String) throws {
        let best = try #require(matcher.matches(for: query).first)
        #expect(best.id == id)
        #expect(best.kind == .exact)
        #expect(best.score == 1)
        #expect(best.edits == 0)
    }

    @Test(
        "Small spelling mistakes are tolerated",
        arguments: [
            ("Taras", "taraz", 1), ("Shakpakta", "shakpakata", 1), ("Dzhambul", "zhambyl", 1),
            ("Kordia", "kordai", 1),  // a transposition counts as one edit
            ("Sarysy", "sarysu", 1), ("Shakpkta", "shakpakata", 2), ("Karatu", "karatau", 1),
        ] as [(String, String, Int)]
    )
    func fuzzy(query: String, id: String, edits: Int) throws {
        let best = try #require(matcher.matches(for: query).first)
        #expect(best.id == id)
        #expect(best.kind == .fuzzy)
        #expect(best.edits == edits)
        #expect(best.score > 0.1 && best.score < 0.45)
    }

    @Test("The edit limit scales with key length")
    func editLimit() {
        #expect((0...3).map(NameMatcher.maxEdits(forKeyLength:)) == [0, 0, 0, 0])
        #expect((4...7).map(NameMatcher.maxEdits(forKeyLength:)) == [1, 1, 1, 1])
        #expect([8, 12, 40].map(NameMatcher.maxEdits(forKeyLength:)) == [2, 2, 2])
        #expect([1, 2, 4, 8, 12].map(NameMatcher.closestMaxEdits(forKeyLength:)) == [0, 1, 2, 3, 4])
        // Three letters allow no edit; "Tarss" folds to "tars", two edits from "taraz" where
        // one is allowed.
        #expect(matcher.matches(for: "Oto").isEmpty)
        #expect(matcher.matches(for: "Tarss").isEmpty)
        // 3 edits in 10 letters are too many.
        #expect(matcher.matches(for: "Shkpkta").isEmpty)
    }

    @Test("Exact beats prefix beats word, with exact scores")
    func ranking() {
        let shakpak = matcher.matches(for: "Shakpakata")
        #expect(summary(shakpak) == ["shakpakata exact", "shakpakata-otar prefix"])
        #expect(abs(shakpak[1].score - (0.75 + 0.2 * 10 / 14)) < 1e-12)
        #expect(shakpak[1].name == "Шақпақата–Отар")

        let otar = matcher.matches(for: "Отар")
        #expect(summary(otar) == ["otar exact", "shakpakata-otar word"])
        #expect(abs(otar[1].score - (0.6 + 0.15 * 4 / 14)) < 1e-12)

        // "zhambil" starts all three keys of the region; the shortest key scores best, and of the
        // two 13-letter keys the first name given wins.
        let zhambyl = matcher.matches(for: "Zhambyl")
        #expect(summary(zhambyl) == ["zhambyl exact", "zhambyl-oblast prefix"])
        #expect(zhambyl[1].name == "Жамбыл облысы")
        #expect(abs(zhambyl[1].score - (0.75 + 0.2 * 7 / 13)) < 1e-12)

        #expect(summary(matcher.matches(for: "Chu")) == ["shu exact", "shu-river prefix"])
        #expect(summary(matcher.matches(for: "River")) == ["shu-river word"])
        #expect(summary(matcher.matches(for: "облысы")) == ["zhambyl-oblast word"])
    }

    @Test("Word boundaries of every spelling count")
    func wordsFromAllSpellings() {
        // "Ata" is a word in "Аулие-Ата" and "Shakpak-Ata" only, not in the first names given.
        #expect(
            summary(matcher.matches(for: "Ata")) == [
                "aulieata word", "shakpakata word", "karatau substring", "shakpakata-otar substring",
            ])
    }

    @Test("Substrings need three letters")
    func substring() throws {
        let tau = matcher.matches(for: "tau")
        #expect(summary(tau) == ["karatau substring"])
        #expect(abs(try #require(tau.first).score - (0.45 + 0.15 * 3 / 7)) < 1e-12)
        #expect(matcher.matches(for: "ra").isEmpty)
    }

    @Test("Fuzzy matches compare whole keys and single words")
    func fuzzyWords() {
        let matches = matcher.matches(for: "Otra")
        #expect(summary(matches) == ["otar fuzzy", "shakpakata-otar fuzzy"])
        #expect(abs(matches[0].score - (0.1 + 0.35 * 0.75)) < 1e-12)
        #expect(abs(matches[1].score - (0.1 + 0.35 * 0.75 * 0.9)) < 1e-12)
    }

    @Test("Fuzzy score follows the edit count")
    func fuzzyScore() throws {
        let taras = try #require(matcher.matches(for: "Taras").first)
        #expect(abs(taras.score - 0.38) < 1e-12)
        #expect(taras.name == "Taraz")
    }

    @Test("Ties are broken by id")
    func ties() {
        let candidates: [NameMatcher.Candidate] = [
            .init(id: "b", names: ["Жамбыл"]),
            .init(id: "c", names: [nil, "Zhambyl"]),
            .init(id: "a", names: ["Jambyl"]),
        ]
        let matches = NameMatcher.matches(for: "Жамбыл", in: candidates)
        #expect(matches.map(\.id) == ["a", "b", "c"])
        #expect(matches.map(\.name) == ["Jambyl", "Жамбыл", "Zhambyl"])
        #expect(NameMatcher.matches(for: "Жамбыл", in: candidates.reversed()) == matches)
    }

    @Test("Limits cut the ranked list")
    func limits() {
        #expect(matcher.matches(for: "Shakpakata", limit: 1).map(\.id) == ["shakpakata"])
        #expect(matcher.matches(for: "Shakpakata", limit: 0).isEmpty)
        #expect(matcher.matches(for: "Shakpakata", limit: -3).isEmpty)
    }

    @Test("A repeated id is reported once, with its best name")
    func duplicateIDs() {
        let candidates: [NameMatcher.Candidate] = [
            .init(id: "x", names: ["Shakpakata-Otar"]),
            .init(id: "x", names: ["Шақпақата"]),
            .init(id: "y", names: ["Shakpakata Station"]),
        ]
        let matches = NameMatcher.matches(for: "Shakpakata", in: candidates)
        #expect(summary(matches) == ["x exact", "y prefix"])
        #expect(matches.first?.name == "Шақпақата")
    }

    @Test("Candidates fold each distinct key once")
    func candidateKeys() {
        let taraz = NameMatcher.Candidate(id: "t", name: "Taraz", nameKK: "Тараз", nameRU: "Тараз", nameEN: "TARAZ")
        #expect(taraz.foldedKeys == ["taraz"])
        #expect(taraz.names == ["Taraz", "Тараз", "Тараз", "TARAZ"])
        let sparse = NameMatcher.Candidate(id: "s", names: [nil, "", "🚀", "Otar", nil])
        #expect(sparse.names == ["🚀", "Otar"])
        #expect(sparse.foldedKeys == ["otar"])
        #expect(NameMatcher.Candidate(id: "e", names: []).foldedKeys.isEmpty)
    }

    @Test(
        "Queries without a key match nothing",
        arguments: ["", "   ", "\n\t", "—", "🏙️", "東京", "ъ"]
    )
    func emptyQuery(query: String) {
        #expect(matcher.matches(for: query).isEmpty)
        #expect(matcher.resolve(query) == .notFound(closest: []))
    }

    @Test("Very long queries and names are handled")
    func longStrings() throws {
        let longQuery = String(repeating: "Taraz ", count: 20_000)
        #expect(matcher.matches(for: longQuery).isEmpty)
        #expect(matcher.resolve(longQuery) == .notFound(closest: []))

        let longName = String(repeating: "Kara ", count: 10_000) + "Otar"
        let candidates = gazetteer + [.init(id: "long", names: [longName])]
        let otar = NameMatcher.matches(for: "Otar", in: candidates)
        #expect(summary(otar) == ["otar exact", "shakpakata-otar word", "long word"])
        let typo = NameMatcher.matches(for: "Otra", in: candidates)
        #expect(typo.map(\.id) == ["otar", "long", "shakpakata-otar"])
    }

    @Test("Candidates without names never match")
    func namelessCandidates() {
        let candidates: [NameMatcher.Candidate] = [.init(id: "n", names: [nil, nil]), .init(id: "m", names: ["!!"])]
        #expect(NameMatcher.matches(for: "Taraz", in: candidates).isEmpty)
        #expect(NameMatcher.resolve("Taraz", in: candidates) == .notFound(closest: []))
    }
}

// MARK: - Resolution

@Suite("NameMatcher.resolve")
struct NameResolutionTests {
    @Test("One exact match is unique")
    func uniqueExact() throws {
        guard case .unique(let match) = matcher.resolve("Шакпаката") else {
            Issue.record("expected a unique match")
            return
        }
        #expect(match.id == "shakpakata")
        #expect(match.kind == .exact)
    }

    @Test("An exact match of one id beats fuzzy matches of others")
    func exactBeatsFuzzy() {
        let candidates: [NameMatcher.Candidate] = [
            .init(id: "taras", names: ["Taras"]),
            .init(id: "taraz", names: ["Тараз"]),
            .init(id: "tarazy", names: ["Tarazi"]),
        ]
        guard case .unique(let match) = NameMatcher.resolve("Taraz", in: candidates) else {
            Issue.record("expected a unique match")
            return
        }
        #expect(match.id == "taraz")
    }

    @Test("A single fuzzy match is unique")
    func uniqueFuzzy() {
        guard case .unique(let match) = matcher.resolve("Taras") else {
            Issue.record("expected a unique match")
            return
        }
        #expect(match.id == "taraz")
        #expect(match.kind == .fuzzy)
    }

    @Test("Equal exact keys are ambiguous")
    func ambiguousExact() {
        let candidates: [NameMatcher.Candidate] = [
            .init(id: "village-2", name: "Жамбыл"),
            .init(id: "village-1", name: "Zhambyl"),
            .init(id: "region", name: "Zhambyl Region"),
        ]
        guard case .ambiguous(let matches) = NameMatcher.resolve("Jambyl", in: candidates) else {
            Issue.record("expected ambiguity")
            return
        }
        #expect(summary(matches) == ["village-1 exact", "village-2 exact"])
    }

    @Test("Several prefix matches are ambiguous whatever their scores")
    func ambiguousPrefix() {
        guard case .ambiguous(let matches) = matcher.resolve("Shakpak") else {
            Issue.record("expected ambiguity")
            return
        }
        #expect(summary(matches) == ["shakpakata prefix", "shakpakata-otar prefix"])
        #expect(matches[0].score > matches[1].score)
    }

    @Test("Equal fuzzy matches are ambiguous, a closer one is not")
    func ambiguousFuzzy() {
        let candidates: [NameMatcher.Candidate] = [
            .init(id: "taraz", names: ["Taraz"]),
            .init(id: "taras", names: ["Taras"]),
            .init(id: "tarazy", names: ["Taraziy"]),
        ]
        guard case .ambiguous(let matches) = NameMatcher.resolve("Tarak", in: candidates) else {
            Issue.record("expected ambiguity")
            return
        }
        #expect(summary(matches) == ["taras fuzzy", "taraz fuzzy"])
        #expect(matches[0].score == matches[1].score)

        guard case .unique(let otra) = matcher.resolve("Otra") else {
            Issue.record("expected a unique match")
            return
        }
        #expect(otra.id == "otar")
    }

    @Test("Nothing found lists the closest candidates")
    func notFound() {
        guard case .notFound(let closest) = matcher.resolve("Trza") else {
            Issue.record("expected no match")
            return
        }
        #expect(closest.map(\.id) == ["taraz"])
        #expect(closest.first?.edits == 2)
        #expect(matcher.resolve("Almaty") == .notFound(closest: []))
    }

    @Test("The ambiguous list respects the limit, never below two")
    func ambiguousLimit() {
        let candidates = (0..<30).map { NameMatcher.Candidate(id: $0 < 10 ? "0\($0)" : "\($0)", names: ["Otar"]) }
        guard case .ambiguous(let matches) = NameMatcher.resolve("Otar", in: candidates, limit: 5) else {
            Issue.record("expected ambiguity")
            return
        }
        #expect(matches.map(\.id) == ["00", "01", "02", "03", "04"])
        guard case .ambiguous(let two) = NameMatcher.resolve("Otar", in: candidates, limit: 0) else {
            Issue.record("expected ambiguity")
            return
        }
        #expect(two.count == 2)
    }
}

// MARK: - Large layers

/// Matching in a large layer (20,000 synthetic candidates plus the gazetteer). Speed is not asserted
/// here (no timings in unit tests); this checks that the early exits of the fuzzy search do not
/// lose the right answer among many near-misses.
@Suite("NameMatcher on a large layer")
struct NameMatcherLargeLayerTests {
    static let count = 20_000

    /// Deterministic pseudo-random Kazakh-looking names of 4–14 letters, plus the gazetteer.
    static let layer: [NameMatcher.Candidate] = {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        let letters = Array("абвгдежзийклмнопрстуқғңөұүәі")
        func word() -> String {
            String((0..<(4 + next() % 11)).map { _ in letters[next() % letters.count] })
        }
        let synthetic = (0..<count).map { index in
            NameMatcher.Candidate(id: "f\(index)", name: word(), nameRU: word() + " " + word())
        }
        return synthetic + gazetteer
    }()

    @Test("Searching a large layer still finds the gazetteer entries")
    func search() throws {
        let matcher = NameMatcher(candidates: Self.layer)
        for query in ["Taras", "Shakpakta", "Шақпақата", "a", "Жамбыл облысы"] {
            #expect(!matcher.matches(for: query).isEmpty, "\(query)")
        }
        let best = try #require(matcher.matches(for: "Shakpakta").first)
        #expect(best.id == "shakpakata")
    }
}
