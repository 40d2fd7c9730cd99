/// A series reduced to what one column of dots can show: per column, the first, last, smallest and
/// largest value of the points that fall in it. Drawing the min-max bar of each column and joining each
/// column's first point to the previous column's last keeps every spike of a 100k-point series visible
/// while the drawing cost depends on the width, not on the number of points.
public struct ColumnEnvelope {
    /// Per column: nil when no point falls in it.
    public struct Column: Equatable {
        public var first: Double
        public var last: Double
        public var minimum: Double
        public var maximum: Double
    }

    public private(set) var columns: [Column?]
    /// Smallest and largest value over every column (nil when empty).
    public private(set) var minimum: Double?
    public private(set) var maximum: Double?

    /// Bins the points (`xs[i]`, `ys[i]`) with `x` in `xLower...xUpper` into `count` columns; column `c`
    /// covers the x values that round to it. Non-finite values are skipped, and with `positiveOnly`
    /// (a log axis) so are values <= 0.
    public init(xs: ArraySlice<Double>, ys: ArraySlice<Double>, xLower: Double, xUpper: Double, count: Int,
                positiveOnly: Bool = false) {
        columns = Array(repeating: nil, count: max(0, count))
        guard count > 0, xs.count == ys.count, !xs.isEmpty else { return }
        let span = xUpper - xLower
        let scale = span > 0 ? Double(count - 1) / span : 0
        let offset = (span > 0 ? 0.0 : Double(count - 1) / 2) + 0.5  // a single x: the middle column
        // Raw pointers over one stats buffer (first, last, low, high per column; NaN first = empty):
        // this loop runs over every visible point of every chart each frame.
        var stats = [Double](repeating: .nan, count: 4 * count)
        stats.withUnsafeMutableBufferPointer { sp in
            xs.withUnsafeBufferPointer { xp in
                ys.withUnsafeBufferPointer { yp in
                    for i in 0..<xp.count {
                        let x = xp[i], y = yp[i]
                        guard y.isFinite, x >= xLower, x <= xUpper, !positiveOnly || y > 0 else { continue }
                        let c = 4 * Int((x - xLower) * scale + offset)
                        if sp[c].isNaN {
                            sp[c] = y
                            sp[c + 2] = y
                            sp[c + 3] = y
                        } else {
                            if y < sp[c + 2] { sp[c + 2] = y }
                            if y > sp[c + 3] { sp[c + 3] = y }
                        }
                        sp[c + 1] = y
                    }
                }
            }
        }
        var lo = Double.infinity, hi = -Double.infinity
        for c in 0..<count where !stats[4 * c].isNaN {
            columns[c] = Column(first: stats[4 * c], last: stats[4 * c + 1], minimum: stats[4 * c + 2], maximum: stats[4 * c + 3])
            lo = Swift.min(lo, stats[4 * c + 2])
            hi = Swift.max(hi, stats[4 * c + 3])
        }
        if lo <= hi {
            minimum = lo
            maximum = hi
        }
    }

    /// The smallest and largest value of the points with `x` in `xLower...xUpper` (the filters of `init`),
    /// or nil when there is none: what the y axis needs before the plot's width, and so the columns, is known.
    public static func extent(xs: ArraySlice<Double>, ys: ArraySlice<Double>, xLower: Double, xUpper: Double,
                              positiveOnly: Bool = false) -> (minimum: Double, maximum: Double)? {
        guard xs.count == ys.count else { return nil }
        var lo = Double.infinity, hi = -Double.infinity
        xs.withUnsafeBufferPointer { xp in
            ys.withUnsafeBufferPointer { yp in
                for i in 0..<xp.count {
                    let x = xp[i], y = yp[i]
                    guard y.isFinite, x >= xLower, x <= xUpper, !positiveOnly || y > 0 else { continue }
                    if y < lo { lo = y }
                    if y > hi { hi = y }
                }
            }
        }
        return lo <= hi ? (lo, hi) : nil
    }
}
