import Tokenizers
/// A batch of token sequences laid out `[batch, length]`, right-padded, with what attention needs:
/// which positions are real (padding mask), each token's RoPE position, and optional document
/// segments when several examples are packed into one row.
public struct TokenBatch: Sendable, Equatable {
    public var batch: Int
    public var length: Int
    public var ids: [TokenID]
    /// False at padding positions.
    public var valid: [Bool]
    public var positions: [Int32]
    /// Document id of each token for packed rows (no attention across documents); nil = one document per row.
    public var segments: [Int32]?

    /// Right-pads `sequences` to the longest (or to `length`) with `padID`; positions count from 0.
    public init(sequences: [[TokenID]], padID: TokenID, length: Int? = nil) {
        let t = length ?? sequences.map(\.count).max() ?? 0
        batch = sequences.count
        self.length = t
        ids = []
        valid = []
        positions = []
        ids.reserveCapacity(batch * t)
        for seq in sequences {
            precondition(seq.count <= t, "sequence of \(seq.count) tokens exceeds batch length \(t)")
            ids += seq + Array(repeating: padID, count: t - seq.count)
            valid += Array(repeating: true, count: seq.count) + Array(repeating: false, count: t - seq.count)
            positions += (0..<Int32(t)).map { $0 }
        }
        segments = nil
    }

    /// A fully specified batch (for packed rows built by the data pipeline).
    public init(batch: Int, length: Int, ids: [TokenID], valid: [Bool], positions: [Int32], segments: [Int32]?) {
        precondition(ids.count == batch * length && valid.count == ids.count && positions.count == ids.count)
        precondition(segments == nil || segments!.count == ids.count)
        self.batch = batch
        self.length = length
        self.ids = ids
        self.valid = valid
        self.positions = positions
        self.segments = segments
    }
}
