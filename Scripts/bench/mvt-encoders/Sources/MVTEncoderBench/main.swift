// mvt-encoders FILE.mbtiles [--rounds N] [--min-seconds S]
//
// Decodes every tile of an MBTiles file (gzip'd Mapbox Vector Tiles) with swift-protobuf into
// encoder input (tile-space geometry, typed properties, ids), checks that Qamtu's hand-written
// writer and swift-protobuf encode every tile to the same content, then times both over all
// tiles: each round encodes the whole set R times (R chosen so that a round of the hand-written
// writer lasts at least --min-seconds), encoders alternating within a round; medians of the rounds.
import Foundation
import SwiftProtobuf
import VectorTiles

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("mvt-encoders: \(message)\n".utf8))
    exit(1)
}

var arguments = Array(CommandLine.arguments.dropFirst())
var rounds = 5
var minSeconds = 1.0
var path: String?
while let a = arguments.first {
    arguments.removeFirst()
    switch a {
    case "--rounds": rounds = Int(arguments.first ?? "") ?? 0; arguments = Array(arguments.dropFirst())
    case "--min-seconds": minSeconds = Double(arguments.first ?? "") ?? -1; arguments = Array(arguments.dropFirst())
    default: path = a
    }
}
guard let path, rounds > 0, minSeconds >= 0 else {
    fail("usage: mvt-encoders FILE.mbtiles [--rounds N (5)] [--min-seconds S (1.0)]")
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

// 1. Read and decode (not timed).
let t0 = now()
let stored: [StoredTile]
do { stored = try MBTiles.readAll(path: path) } catch { fail("\(error)") }
var tiles: [ContentTile] = []
var originals: [[UInt8]] = []
tiles.reserveCapacity(stored.count)
for s in stored {
    guard let raw = Gzip.decompress(s.data) else { fail("tile \(s.zoom)/\(s.column)/\(s.row): not gzip") }
    do {
        tiles.append(try ContentTile(VectorTile_Tile(serializedBytes: raw)))
        originals.append(raw)
    } catch { fail("tile \(s.zoom)/\(s.column)/\(s.row): \(error)") }
}
guard !tiles.isEmpty else { fail("\(path): no tiles") }
let featureCount = tiles.reduce(0) { $0 + $1.featureCount }
let vertexCount = tiles.reduce(0) { total, tile in
    total + tile.layers.reduce(0) { $0 + $1.features.reduce(0) { n, f in
        switch f.geometry {
        case .points(let p): n + p.count
        case .lines(let l): n + l.reduce(0) { $0 + $1.count }
        case .polygons(let p): n + p.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
        }
    } }
}
let layerNames = Set(tiles.flatMap { $0.layers.map(\.name) }).sorted()
print("input: \(path)")
print("  \(tiles.count) tiles, \(featureCount) features, \(vertexCount) vertices, layers \(layerNames.joined(separator: ", ")); "
      + "\(originals.reduce(0) { $0 + $1.count }) bytes of MVT unzipped (read and decoded in \(String(format: "%.1f", Double(now() - t0) / 1e9)) s)")

// 2. Same content: both encoders, every tile, decoded and compared (and against the file's own tile).
var handBytes = 0, protoBytes = 0, byteIdentical = 0, sameAsFile = 0
for (i, tile) in tiles.enumerated() {
    let a = encodeHandWritten(tile)
    let b: [UInt8]
    do { b = try encodeSwiftProtobuf(tile) } catch { fail("swift-protobuf failed on tile \(i): \(error)") }
    handBytes += a.count
    protoBytes += b.count
    if a == b { byteIdentical += 1 }
    do {
        let ma = try TileMeaning(decoding: a), mb = try TileMeaning(decoding: b)
        guard ma == mb else { fail("tile \(stored[i].zoom)/\(stored[i].column)/\(stored[i].row): the encoders' contents differ") }
        if try TileMeaning(decoding: originals[i]) == ma { sameAsFile += 1 }
    } catch { fail("tile \(i): \(error)") }
}
print("same content: \(tiles.count) of \(tiles.count) tiles decode to the same layers, features, ids, types, geometry commands and resolved tags")
print("  (hand-written \(handBytes) bytes, swift-protobuf \(protoBytes) bytes; byte-identical \(byteIdentical) tiles; "
      + "hand-written output equal in content to the file's tile: \(sameAsFile) of \(tiles.count))")

// 3. Timing.
struct Encoder {
    var name: String
    var run: ([ContentTile]) -> Int
}
let encoders = [
    Encoder(name: "hand-written (VectorTiles)") { tiles in
        var sink = 0
        for t in tiles { sink &+= encodeHandWritten(t).count }
        return sink
    },
    Encoder(name: "swift-protobuf 1.39.0") { tiles in
        var sink = 0
        for t in tiles { sink &+= (try? encodeSwiftProtobuf(t))?.count ?? 0 }
        return sink
    },
    Encoder(name: "swift-protobuf, partial: true") { tiles in
        var sink = 0
        for t in tiles { sink &+= (try? encodeSwiftProtobuf(t, partial: true))?.count ?? 0 }
        return sink
    },
    Encoder(name: "shared work only (dedupe, tags, commands; no encoding)") { tiles in
        var sink = 0
        for t in tiles { sink &+= sharedWorkOnly(t) }
        return sink
    },
]
// Warm-up and repetitions per round.
var warm = now()
_ = encoders[0].run(tiles)
let onePass = Double(now() - warm) / 1e9
for e in encoders.dropFirst() { _ = e.run(tiles) }
let passes = max(1, Int((minSeconds / max(onePass, 1e-9)).rounded(.up)))
print("timing: \(rounds) rounds of \(passes) pass\(passes == 1 ? "" : "es") over all tiles per encoder, encoders alternating; release build")

var seconds = Array(repeating: [Double](), count: encoders.count)
var sinks = Array(repeating: 0, count: encoders.count)
for round in 0..<rounds {
    let order = round % 2 == 0 ? Array(encoders.indices) : Array(encoders.indices.reversed())
    for e in order {
        let start = now()
        var sink = 0
        for _ in 0..<passes { sink &+= encoders[e].run(tiles) }
        seconds[e].append(Double(now() - start) / 1e9)
        sinks[e] = sink / passes
    }
}
func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2 }

let header = "| encoder | tiles/s | MB/s (output) | ns/feature | s per pass (median; min–max of \(rounds)) |"
print(header)
print("| --- | ---: | ---: | ---: | --- |")
var medians: [Double] = []
for (e, encoder) in encoders.enumerated() {
    let perPass = median(seconds[e]) / Double(passes)
    medians.append(perPass)
    let lo = seconds[e].min()! / Double(passes), hi = seconds[e].max()! / Double(passes)
    // The last row makes no bytes: its MB/s is left empty.
    let megabytes = e == encoders.count - 1 ? "–" : String(format: "%.1f", Double(sinks[e]) / perPass / 1e6)
    print(String(format: "| %@ | %.0f | %@ | %.0f | %.3f (%.3f–%.3f) |", encoder.name,
                 Double(tiles.count) / perPass, megabytes,
                 perPass * 1e9 / Double(featureCount), perPass, lo, hi))
}
print(String(format: "hand-written is %.2f× as fast as swift-protobuf (%.2f× with partial: true)",
             medians[1] / medians[0], medians[2] / medians[0]))
