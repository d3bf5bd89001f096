#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file or standard output as an ``OutputSink``: a file is written to a temporary name and
/// renamed into place on `finish`, so a failed export never leaves a half-written file under the
/// final name.
public final class FileSink: OutputSink {
    private let file: UnsafeMutablePointer<FILE>
    private let finalPath: String?
    /// How the destination is named in messages (the path, or `standard output`).
    public let displayName: String
    /// Close the stream on `finish` (files and devices opened here; never standard output).
    private let closesOnFinish: Bool
    private let temporaryPath: String?
    private var finished = false
    /// Bytes written so far.
    public private(set) var bytesWritten = 0

    /// The temporary file a sink for `path` writes before moving it into place (`PATH.partial`),
    /// or nil when it writes in place (`-` for standard output, a device or pipe). A front end
    /// that stops the process on a signal removes this file first.
    public static func partialPath(for path: String) -> String? {
        path == "-" || isSpecialFile(path) ? nil : path + ".partial"
    }

    /// Opens `path` for writing; `-` is standard output.
    /// - Throws: `GeoModelError.unreadable` when the file cannot be created.
    public init(path: String) throws(GeoModelError) {
        if path == "-" {
            guard let f = fdopen(1, "wb") else {
                throw .unreadable(file: "standard output", line: nil, message: "cannot write standard output")
            }
            file = f
            finalPath = nil
            temporaryPath = nil
            displayName = "standard output"
            closesOnFinish = false
        } else if Self.isSpecialFile(path) {
            // A device or pipe (/dev/null, a FIFO): write to it directly; renaming a file over it
            // would replace the device.
            guard let f = fopen(path, "wb") else {
                let reason = String(cString: strerror(errno))
                throw .unreadable(file: path, line: nil, message: "cannot open for writing: \(reason)")
            }
            file = f
            finalPath = nil
            temporaryPath = nil
            displayName = path
            closesOnFinish = true
        } else {
            let temporary = Self.partialPath(for: path) ?? path + ".partial"
            guard let f = fopen(temporary, "wb") else {
                let reason = String(cString: strerror(errno))
                throw .unreadable(file: path, line: nil, message: "cannot create: \(reason)")
            }
            file = f
            finalPath = path
            temporaryPath = temporary
            displayName = path
            closesOnFinish = false
        }
    }

    /// True when `path` exists and is not a regular file (a device, pipe or socket).
    static func isSpecialFile(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        return (st.st_mode & S_IFMT) != S_IFREG
    }

    deinit {
        guard !finished else { return }
        if let temporaryPath {
            fclose(file)
            unlink(temporaryPath)
        } else if closesOnFinish {
            fclose(file)
        }
    }

    /// Writes bytes from memory the caller owns.
    /// - Throws: `GeoModelError.unreadable` when the write fails.
    public func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(GeoModelError) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let n = fwrite(base, 1, bytes.count, file)
        bytesWritten += n
        if n != bytes.count {
            throw .unreadable(file: displayName, line: nil, message: "write failed: \(String(cString: strerror(errno)))")
        }
    }

    /// Flushes and, for a file, moves it to its final name.
    public func finish() throws(GeoModelError) {
        guard !finished else { return }
        finished = true
        if fflush(file) != 0 {
            throw .unreadable(file: displayName, line: nil, message: "write failed: \(String(cString: strerror(errno)))")
        }
        if closesOnFinish { fclose(file) }
        if let finalPath, let temporaryPath {
            fclose(file)
            switch FilePlacement.shared.move(temporaryPath, to: finalPath) {
            case 0?: break
            case nil:
                // Interrupted: the front end's handler removes the temporary file and ends the process.
                throw .unreadable(file: finalPath, line: nil, message: "interrupted before it was moved into place")
            default:
                unlink(temporaryPath)
                throw .unreadable(file: finalPath, line: nil, message: "cannot move into place: \(String(cString: strerror(errno)))")
            }
        }
    }
}
