import GeoModel

extension Portal {
    /// Writes the features of `query` to `sink` (finished on return); returns the count written.
    /// - Throws: `GeoModelError.unknownField` for a property that is not a column, store errors,
    ///   and the sink's write errors.
    @discardableResult
    public func export(_ query: ExportQuery, options: ExportOptions = ExportOptions(), to sink: OutputSink) throws -> Int {
        try Self.check(query)
        for name in options.properties ?? [] where query.layer.columnIndex(name) == nil {
            throw GeoModelError.unknownField(layer: query.layer.name, field: name)
        }
        return try store.export(query, options: options, to: sink)
    }

    /// Counts the features `query` selects, ignoring its page (OGC API `numberMatched`).
    public func count(_ query: ExportQuery) throws -> Int {
        try Self.check(query)
        return try store.count(query.unpaged)
    }

    /// Refuses a negative limit or offset (stores would read them differently).
    /// - Throws: ``PortalError`` (invalid input).
    static func check(_ query: ExportQuery) throws(PortalError) {
        if let limit = query.limit, limit < 0 { throw PortalError(.invalidInput, "limit must be 0 or more, got \(limit)") }
        if query.offset < 0 { throw PortalError(.invalidInput, "offset must be 0 or more, got \(query.offset)") }
    }

    /// Starts writing the features of `query` on a thread of its own and returns the sink that
    /// the caller drains (an HTTP response body): memory stays flat however large the layer, a
    /// slow reader holds no executor thread, and a failure reaches the reader as the stream's
    /// error.
    public func exportStream(_ query: ExportQuery, options: ExportOptions = ExportOptions(),
                             sink: ChunkedSink = ChunkedSink()) -> ChunkedSink {
        let portal = self
        BlockingExecutor.detach {
            do {
                _ = try portal.export(query, options: options, to: sink)
            } catch {
                sink.finish(throwing: error)
            }
        }
        return sink
    }

    /// ``export(_:options:to:)`` from async code.
    public func export(_ query: ExportQuery, options: ExportOptions = ExportOptions(), to sink: OutputSink & Sendable) async throws -> Int {
        try await perform { try $0.export(query, options: options, to: sink) }
    }
}
