import Foundation
import QamtuTestSupport
import Testing

/// `qamtu serve` over a real socket: SIGTERM while a large page is streaming to a slow client lets
/// that response finish, then the server exits 0 and stops listening.
@Suite("qamtu serve shutdown (the built executable)")
struct ServeShutdownTests {
    @Test(.requires(.curl))
    func sigtermLetsTheRequestInFlightFinish() throws {
        let curl = try Prerequisite.curl.require()
        let folder = try TemporaryFolder()
        try InterruptedExportTests.bigSitesDatabase(count: 12_000, in: folder)
        let port = try FreePort.find()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: try qamtuExecutable())
        server.arguments = ["serve", "--db", "big.sqlite", "--port", String(port), "--log-level", "warning"]
        server.currentDirectoryURL = folder.url
        let serverErrors = Pipe()
        server.standardError = serverErrors
        try server.run()
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let base = "http://127.0.0.1:\(port)"
        let deadline = Date().addingTimeInterval(30)
        while try run(curl, ["-sf", "-o", "/dev/null", base + "/health"]).status != 0 {
            #expect(server.isRunning, "the server stopped before it was ready")
            guard Date() < deadline, server.isRunning else { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        // A client with a 4 kB receive window that reads the first bytes and then stops: the
        // server is blocked writing the 3 MB page when the signal comes.
        let client = try SlowClient(port: port)
        try client.send("GET /collections/sites/items?limit=10000 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        var received = try client.read(atLeast: 8_192)
        kill(server.processIdentifier, SIGTERM)
        Thread.sleep(forTimeInterval: 0.5)
        #expect(server.isRunning, "the server exited with a response in flight")
        received += try client.readToEnd()
        server.waitUntilExit()
        let log = String(decoding: serverErrors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(server.terminationReason == .exit)
        #expect(server.terminationStatus == 0, "\(log)")
        let body = try #require(try SlowClient.body(ofChunkedResponse: received))
        let page = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect((page["features"] as? [Any])?.count == 10_000)
        #expect(page["numberMatched"] as? Int == 12_000)
        #expect(try run(curl, ["-s", "-o", "/dev/null", base + "/health"]).status != 0, "the server still answers after exiting")
    }

    /// Runs a program and waits for it.
    func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A blocking HTTP/1.1 client on a socket with a small receive buffer, so that a server writing
/// to it has to wait for it to read.
final class SlowClient {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var size: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, connected == 0 else { throw CocoaError(.fileReadUnknown) }
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Foundation.send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else {
            throw CocoaError(.fileWriteUnknown)
        }
    }

    /// Reads until at least `count` bytes came (or the peer closed).
    func read(atLeast count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while out.count < count {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            out += buffer[0..<n]
        }
        return out
    }

    /// Reads until the peer closes.
    func readToEnd() throws -> [UInt8] { try read(atLeast: Int.max) }

    /// The body of a complete HTTP response with `Transfer-Encoding: chunked`, or nil when the
    /// response is cut short.
    static func body(ofChunkedResponse bytes: [UInt8]) throws -> [UInt8]? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else { return nil }
        var position = end + 4
        var body: [UInt8] = []
        while true {
            guard let lineEnd = (position..<max(position, bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }),
                  let size = Int(String(decoding: bytes[position..<lineEnd], as: UTF8.self), radix: 16) else { return nil }
            position = lineEnd + 2
            if size == 0 { return body }
            guard position + size + 2 <= bytes.count else { return nil }
            body += bytes[position..<position + size]
            position += size + 2
        }
    }
}
