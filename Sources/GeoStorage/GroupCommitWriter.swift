import Foundation
import GRDB

/// One writer that commits concurrent requests together (group commit).
///
/// Requests queue up while a transaction commits; the writer's thread then runs every queued
/// request in one transaction, each in a savepoint of its own (a failing request is rolled back
/// alone, the others go on), and commits once. With `synchronous = FULL`, one fsync makes the
/// whole batch durable, and only then is each request answered: a request that returns has its
/// change on disk. The thread is started on demand and ends after ``idleSeconds`` without work.
final class GroupCommitWriter: @unchecked Sendable {
    /// One queued request.
    private struct Job {
        let run: (Database) throws -> Void
        let finish: (_ failure: (any Error)?) -> Void
    }

    /// Keeps a request's result between its run and the commit.
    private final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }

    private let writer: any DatabaseWriter
    private let path: String
    private let condition = NSCondition()
    private var pending: [Job] = []
    private var threadRunning = false
    /// Transactions committed, and requests in them (for the server's metrics and tests).
    private(set) var batchCount = 0
    private(set) var requestCount = 0

    /// How long the thread waits for work before it ends, seconds.
    static let idleSeconds = 5.0

    init(writer: any DatabaseWriter, path: String) {
        self.writer = writer
        self.path = path
    }

    /// Runs `body` in the next batch's transaction and returns its result once the batch has
    /// committed. A thrown error rolls back `body`'s changes only.
    /// - Throws: what `body` throws; `StorageError` when the batch cannot commit.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let box = ResultBox<T>()
        let path = self.path
        return try await withCheckedThrowingContinuation { continuation in
            enqueue(Job(run: { db in box.value = try body(db) }, finish: { failure in
                if let error = failure as? DatabaseError {
                    continuation.resume(throwing: StorageError(error, path: path))
                } else if let failure {
                    continuation.resume(throwing: failure)
                } else if let value = box.value {
                    continuation.resume(returning: value)
                } else {
                    continuation.resume(throwing: StorageError.sqlite(message: "a write finished without a result", sql: nil))
                }
            }))
        }
    }

    private func enqueue(_ job: Job) {
        condition.lock()
        pending.append(job)
        if !threadRunning {
            threadRunning = true
            let thread = Thread { [self] in loop() }
            thread.name = "qamtu-group-commit"
            thread.start()
        }
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while pending.isEmpty {
                if !condition.wait(until: Date(timeIntervalSinceNow: Self.idleSeconds)) && pending.isEmpty {
                    threadRunning = false
                    condition.unlock()
                    return
                }
            }
            let batch = pending
            pending = []
            condition.unlock()
            commit(batch)
        }
    }

    /// Runs `batch` in one transaction, each job in its savepoint, and answers every job after
    /// the commit (or with the commit's failure).
    private func commit(_ batch: [Job]) {
        var failures = [(any Error)?](repeating: nil, count: batch.count)
        do {
            try writer.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                do {
                    for (index, job) in batch.enumerated() {
                        try db.execute(sql: "SAVEPOINT job")
                        do {
                            try job.run(db)
                            try db.execute(sql: "RELEASE job")
                        } catch {
                            failures[index] = error
                            try db.execute(sql: "ROLLBACK TO job")
                            try db.execute(sql: "RELEASE job")
                        }
                    }
                    try db.execute(sql: "COMMIT")
                } catch {
                    if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK") }
                    throw error
                }
            }
        } catch {
            for index in failures.indices where failures[index] == nil { failures[index] = error }
        }
        condition.lock()
        batchCount += 1
        requestCount += batch.count
        condition.unlock()
        for (index, job) in batch.enumerated() { job.finish(failures[index]) }
    }

    /// Batches and requests committed so far.
    var statistics: (batches: Int, requests: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (batchCount, requestCount)
    }
}
