/// Douglas–Peucker simplification and the cleaning of rounded rings and lines in tile space.
enum RingSimplifier {
    /// The points of `line` that Douglas–Peucker keeps within `tolerance` tile units (the first
    /// and last always).
    static func simplify(_ line: [TilePoint], tolerance: Double) -> [TilePoint] {
        guard tolerance > 0, line.count > 2 else { return line }
        var keep = [Bool](repeating: false, count: line.count)
        keep[0] = true
        keep[line.count - 1] = true
        var stack = [(0, line.count - 1)]
        let limit = tolerance * tolerance
        while let (first, last) = stack.popLast() {
            guard last > first + 1 else { continue }
            var farthest = first
            var distance = -1.0
            for i in (first + 1)..<last {
                let d = squaredDistance(line[i], line[first], line[last])
                if d > distance {
                    distance = d
                    farthest = i
                }
            }
            if distance > limit {
                keep[farthest] = true
                stack.append((first, farthest))
                stack.append((farthest, last))
            }
        }
        return line.indices.filter { keep[$0] }.map { line[$0] }
    }

    /// A ring simplified as a closed line from its first point back to it.
    static func simplifyRing(_ ring: [TilePoint], tolerance: Double) -> [TilePoint] {
        guard tolerance > 0, ring.count > 3 else { return ring }
        var simplified = simplify(ring + [ring[0]], tolerance: tolerance)
        simplified.removeLast()
        return simplified
    }

    /// The squared distance from `p` to the segment a–b.
    static func squaredDistance(_ p: TilePoint, _ a: TilePoint, _ b: TilePoint) -> Double {
        let ax = Double(a.x), ay = Double(a.y)
        let dx = Double(b.x) - ax, dy = Double(b.y) - ay
        var px = Double(p.x) - ax, py = Double(p.y) - ay
        let length = dx * dx + dy * dy
        if length > 0 {
            let t = min(1, max(0, (px * dx + py * dy) / length))
            px -= t * dx
            py -= t * dy
        }
        return px * px + py * py
    }

    /// A line without repeated consecutive points.
    static func deduplicated(_ line: [TilePoint]) -> [TilePoint] {
        var out: [TilePoint] = []
        out.reserveCapacity(line.count)
        for p in line where out.last != p { out.append(p) }
        return out
    }

    /// A ring without repeated consecutive points (nor a closing repeat), collinear points and
    /// spikes (a point whose neighbours are on the same line through it, going back).
    static func cleanedRing(_ ring: [TilePoint]) -> [TilePoint] {
        var out = deduplicated(ring)
        while out.count > 1, out.first == out.last { out.removeLast() }
        var changed = true
        while changed, out.count >= 3 {
            changed = false
            var kept: [TilePoint] = []
            kept.reserveCapacity(out.count)
            for i in out.indices {
                let previous = kept.last ?? out[(i + out.count - 1) % out.count]
                let next = out[(i + 1) % out.count]
                if cross(previous, out[i], next) == 0 {
                    changed = true
                    continue
                }
                kept.append(out[i])
            }
            out = kept
        }
        return out
    }

    /// The cross product of (b − a) and (c − b): zero when a, b, c are on one line.
    @inline(__always)
    static func cross(_ a: TilePoint, _ b: TilePoint, _ c: TilePoint) -> Int64 {
        (Int64(b.x) - Int64(a.x)) * (Int64(c.y) - Int64(b.y)) - (Int64(b.y) - Int64(a.y)) * (Int64(c.x) - Int64(b.x))
    }

    /// Twice the surveyor's area of an open ring (positive: clockwise on screen, y down).
    static func doubleArea(_ ring: [TilePoint]) -> Int64 {
        guard ring.count >= 3 else { return 0 }
        var sum: Int64 = 0
        var previous = ring[ring.count - 1]
        for p in ring {
            sum += Int64(previous.x) * Int64(p.y) - Int64(p.x) * Int64(previous.y)
            previous = p
        }
        return sum
    }
}
