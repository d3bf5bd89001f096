import Foundation
import VectorTiles

/// gzip-compressed test inputs, made in the test (no binary fixtures in the repository).
public enum GzipFiles {
    /// A compression that failed (zlib could not allocate its state).
    public struct Failure: Error, CustomStringConvertible {
        public let description = "zlib could not compress the test input"
    }

    /// `parts` compressed as one gzip member each, one after the other (`cat a.gz b.gz`);
    /// decompressed, they read as the parts joined.
    public static func members(_ parts: [[UInt8]]) throws -> [UInt8] {
        var out: [UInt8] = []
        for part in parts {
            guard let member = Gzip.compress(part) else { throw Failure() }
            out += member
        }
        return out
    }

    /// The `gzip` program, which makes files as OpenCelliD ships them (with the original name
    /// and time in the header).
    public static let gzipTool = Prerequisite.tool("gzip", package: "gzip")
}

extension TemporaryFolder {
    /// Writes `texts` (UTF-8) gzip-compressed to `name`, one gzip member per text, and returns
    /// its path.
    @discardableResult
    public func writeGzip(_ name: String, _ texts: String...) throws -> String {
        try write(name, bytes: GzipFiles.members(texts.map { Array($0.utf8) }))
    }

    /// Compresses the file `name` in the folder with the `gzip` program into `name.gz` (the
    /// original is kept) and returns the new file's path.
    @discardableResult
    public func gzipWithTool(_ name: String) throws -> String {
        let gzip = try GzipFiles.gzipTool.require()
        let result = try run(gzip, ["-k", "-f", name], in: url.path)
        guard result.status == 0 else { throw ProcessFailure(description: "gzip \(name): \(result.stderr)") }
        return path(name + ".gz")
    }

    /// The bytes of a file in the folder.
    public func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }
}

/// A program a test ran failed.
public struct ProcessFailure: Error, CustomStringConvertible {
    /// What failed, with its output.
    public let description: String
}
