/// Packs examples into rows of fixed capacity, keeping their order as far as it can: each example
/// goes into the first of the last `openRows` rows it fits in, or starts a new row; when more rows
/// are open than that, the oldest is closed. Rows come out in the order they close. A bounded set of
/// open rows fills rows nearly as well as unbounded first-fit while staying linear and local.
///
/// Encoder-decoder rows have two capacities, the encoder's and the decoder's: an example fits a row
/// when both its parts fit.
enum RowPacker {
    static let defaultOpenRows = 8

    /// The tokens an example takes in (or a row has room for in) the encoder and the decoder row.
    /// Decoder-only examples and rows have no encoder part (0).
    struct Size: Equatable {
        var encoder: Int
        var decoder: Int
    }

    /// Decoder-only: row-major lists of example indices. `lengths[i]` must be in 1...capacity.
    static func pack(lengths: [Int], capacity: Int, openRows: Int = defaultOpenRows) -> [[Int]] {
        pack(sizes: lengths.map { Size(encoder: 0, decoder: $0) }, capacity: Size(encoder: 0, decoder: capacity),
             openRows: openRows)
    }

    /// Row-major lists of example indices. Each part of `sizes[i]` must be in 1...its capacity (the
    /// encoder part 0 when the capacity has none).
    static func pack(sizes: [Size], capacity: Size, openRows: Int = defaultOpenRows) -> [[Int]] {
        let hasEncoder = capacity.encoder > 0
        var closed: [[Int]] = []
        closed.reserveCapacity(sizes.count / 2 + 1)
        var open: [(items: [Int], free: Size)] = []
        // No example has an empty part, so a row with no room left in either part takes no more.
        func isFull(_ free: Size) -> Bool { free.decoder == 0 || (hasEncoder && free.encoder == 0) }
        for (index, size) in sizes.enumerated() {
            precondition(size.decoder >= 1 && size.decoder <= capacity.decoder,
                         "example of \(size.decoder) tokens for rows of \(capacity.decoder)")
            precondition(hasEncoder ? size.encoder >= 1 && size.encoder <= capacity.encoder : size.encoder == 0,
                         "example of \(size.encoder) encoder tokens for encoder rows of \(capacity.encoder)")
            if let r = open.firstIndex(where: { $0.free.encoder >= size.encoder && $0.free.decoder >= size.decoder }) {
                open[r].items.append(index)
                open[r].free.encoder -= size.encoder
                open[r].free.decoder -= size.decoder
                if isFull(open[r].free) { closed.append(open.remove(at: r).items) }
                continue
            }
            let free = Size(encoder: capacity.encoder - size.encoder, decoder: capacity.decoder - size.decoder)
            if isFull(free) {
                closed.append([index])
                continue
            }
            open.append(([index], free))
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
