import CKernels

/// Token embedding lookup (`nn.Embedding`) with Gemma's scale (`sqrt(hidden)`, applied by the caller's
/// choice of `scale`, already rounded to the weight dtype when matching a bf16 reference).
public enum Embedding {
    /// `out[i, :] = table[ids[i], :] · scale` for a `[V, d]` table in f32, bf16, f16 or int8 (widened).
    /// An id outside `0..<V` gets a zero row and makes the call return false (callers validate ids and
    /// report a typed error; this never traps).
    @discardableResult
    public static func forward(ids: UnsafePointer<Int32>, count: Int, table: Tensor, scale: Float,
                               into out: UnsafeMutablePointer<Float>) -> Bool {
        let timed = StepProfile.begin(.embedding)
        defer { StepProfile.end(timed) }
        precondition(table.rank == 2, "embedding table must be 2-D, got \(table.shape)")
        let vocab = table.shape[0], dim = table.shape[1]
        let base = table.raw, dtype = table.dtype
        var allValid = true
        for i in 0..<count where ids[i] < 0 || Int(ids[i]) >= vocab { allValid = false }
        EngineThreads.parallelFor(count, minimumPerChunk: max(1, 65_536 / max(1, dim))) { range in
            for i in range {
                let row = out + i * dim
                let id = Int(ids[i])
                guard id >= 0 && id < vocab else {
                    row.update(repeating: 0, count: dim)
                    continue
                }
                if table.layout == .bf16Panels {
                    dk_bf16_panels_row(table.u16, dim, id, row)
                } else if dtype == .i8 {
                    Q8.dequantize(table, elements: id * dim..<(id + 1) * dim, into: row)
                } else {
                    HalfPrecision.widen(base + id * dim * dtype.byteSize, dtype: dtype, into: row, count: dim)
                }
                if scale != 1 { dk_scale_f32(row, dim, scale) }
            }
        }
        return allValid
    }

    /// `dTable[ids[i], :] += dOut[i, :] · scale`, skipping `ids[i] == paddingID` when given (the
    /// `padding_idx` row of `nn.Embedding` gets no gradient) and ids outside `0..<vocab` (rows that
    /// `forward` zeroed). `dTable` is `[vocab, dim]` f32.
    public static func backward(_ dOut: UnsafePointer<Float>, ids: UnsafePointer<Int32>, count: Int, dim: Int, scale: Float,
                                paddingID: Int32?, dTable: UnsafeMutablePointer<Float>, vocab: Int = Int(Int32.max)) {
        let timed = StepProfile.begin(.embedding)
        defer { StepProfile.end(timed) }
        // Split the columns among workers: repeated ids then never race on the same element.
        EngineThreads.parallelFor(dim, minimumPerChunk: max(64, 65_536 / max(1, count))) { cols in
            let c = cols.lowerBound
            for i in 0..<count {
                let id = ids[i]
                if id == paddingID || id < 0 || Int(id) >= vocab { continue }
                dk_axpy_f32(scale, dOut + i * dim + c, dTable + Int(id) * dim + c, cols.count)
            }
        }
    }
}
