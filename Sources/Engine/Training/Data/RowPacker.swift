/// Packs examples into rows of fixed capacity, keeping their order as far as it can: each example
/// goes into the first of the last `openRows` rows it fits in, or starts a new row; when more rows
/// are open than that, the oldest is closed. Rows come out in the order they close. A bounded set of
/// open rows fills rows nearly as well as unbounded first-fit while staying linear and local.
enum RowPacker {
    static let defaultOpenRows = 8

    /// Row-major lists of example indices. `lengths[i]` must be in 1...capacity.
    static func pack(lengths: [Int], capacity: Int, openRows: Int = defaultOpenRows) -> [[Int]] {
        var closed: [[Int]] = []
        closed.reserveCapacity(lengths.count / 2 + 1)
        var open: [(items: [Int], free: Int)] = []
        for (index, length) in lengths.enumerated() {
            precondition(length >= 1 && length <= capacity, "example of \(length) tokens for rows of \(capacity)")
            if let r = open.firstIndex(where: { $0.free >= length }) {
                open[r].items.append(index)
                open[r].free -= length
                if open[r].free == 0 { closed.append(open.remove(at: r).items) }
                continue
            }
            if length == capacity {
                closed.append([index])
                continue
            }
            open.append(([index], capacity - length))
            if open.count > openRows { closed.append(open.removeFirst().items) }
        }
        closed += open.map(\.items)
        return closed
    }

    /// One example per row.
    static func unpacked(count: Int) -> [[Int]] {
        (0..<count).map { [$0] }
    }
}
