import Foundation

/// The built `qamtu` executable for end-to-end tests, refused when it is missing or older than
/// the compiled code of its targets: after `swift build --product QamtuPackageTests` (or a build
/// of one target) the tests run new code in process while the executable is the previous build,
/// and `swift test --skip-build` would test the old executable and pass or fail for the wrong
/// reason.
///
/// The check compares modification times of build products, not of sources: the compiler leaves
/// an object file untouched when its source was touched without a change, and the linker then
/// rightly leaves the executable alone. (Edited sources that were never compiled are stale for
/// every test alike; `Scripts/test.sh` builds first.)
public enum BuiltExecutable {
    /// Why no executable can be used.
    public enum Problem: Error, CustomStringConvertible {
        /// No candidate path holds an executable file.
        case missing(candidates: [String])
        /// The executable is older than an object file of one of its targets (the newest is named).
        case stale(executable: String, built: Date, newestObject: String, compiled: Date)

        public var description: String {
            switch self {
            case .missing(let candidates):
                return "no qamtu executable at \(candidates.joined(separator: " or ")): run swift build --build-tests first"
            case .stale(let executable, let built, let object, let compiled):
                return "the qamtu executable \(executable) (linked \(built)) is older than \(object) (compiled \(compiled)): "
                    + "run swift build --build-tests before swift test --skip-build (Scripts/test.sh does)"
            }
        }
    }

    /// The first executable among `candidates`, checked to be at least as new as every object file
    /// (`.o`) of `targets` built beside it (in `TARGET.build/` in the executable's folder).
    public static func locate(candidates: [String], targets: [String]) throws -> String {
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Problem.missing(candidates: candidates)
        }
        let folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        let built = try modificationDate(executable)
        let roots = targets.map { folder.appendingPathComponent("\($0).build") }
        if let (object, compiled) = try newest(roots, suffixes: [".o"]), compiled > built {
            throw Problem.stale(executable: executable, built: built, newestObject: object, compiled: compiled)
        }
        return executable
    }

    /// The targets of a package: the folder names under its `Sources/`.
    public static func targets(ofPackageAt repository: URL) -> [String] {
        let sources = repository.appendingPathComponent("Sources").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: sources)) ?? []).sorted()
    }

    /// The newest file ending in one of `suffixes` under `roots` (folders, or files themselves),
    /// with its modification date; nil when there is none.
    static func newest(_ roots: [URL], suffixes: [String]) throws -> (String, Date)? {
        var best: (String, Date)?
        func consider(_ path: String) throws {
            let date = try modificationDate(path)
            if best.map({ date > $0.1 }) ?? true { best = (path, date) }
        }
        for root in roots {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else { continue }
            guard isDirectory.boolValue else {
                if suffixes.contains(where: root.path.hasSuffix) { try consider(root.path) }
                continue
            }
            let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
            for file in files where suffixes.contains(where: file.hasSuffix) {
                try consider(root.appendingPathComponent(file).path)
            }
        }
        return best
    }

    private static func modificationDate(_ path: String) throws -> Date {
        guard let date = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return date
    }
}
