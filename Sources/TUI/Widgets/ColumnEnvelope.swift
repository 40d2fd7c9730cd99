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
        let centre = span > 0 ? 0.0 : Double(count - 1) / 2  // a single x: the middle column
        var lo = Double.infinity, hi = -Double.infinity
        var yi = ys.startIndex
        columns.withUnsafeMutableBufferPointer { out in
            for x in xs {
                let y = ys[yi]
                yi += 1
                guard y.isFinite, x >= xLower, x <= xUpper, !positiveOnly || y > 0 else { continue }
                let c = Int((x - xLower) * scale + centre + 0.5)
                if var column = out[c] {
                    column.last = y
                    if y < column.minimum { column.minimum = y }
                    if y > column.maximum { column.maximum = y }
                    out[c] = column
                } else {
                    out[c] = Column(first: y, last: y, minimum: y, maximum: y)
                }
                if y < lo { lo = y }
                if y > hi { hi = y }
            }
        }
        if lo <= hi {
            minimum = lo
            maximum = hi
        }
    }
}
