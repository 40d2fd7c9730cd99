import CKernels

/// How a tensor's elements sit in memory.
///
/// Weights come row-major (`[out, in]`, PyTorch's layout). For inference, bf16 matrices are packed
/// once at load into panels of 16 output features (`dk_pack_bf16_panels`): for every input column the
/// 16 features' values are adjacent, so one kernel multiplies any number of rows (decode, prompts,
/// encoders) as an outer product, widening bf16 in registers, with no f32 copy of the weights and no
/// second packing by a BLAS on every call. Panel `p`, column `k` holds 16 values at `(p·in + k)·16`:
/// feature `16p + i` at slot `2i` and feature `16p + 8 + i` at slot `2i + 1` (so a 32-bit lane
/// shifted left by 16 is feature `i` and masked to its upper half is feature `8 + i`); the last
/// panel is zero-padded.
public enum TensorLayout: Sendable, Equatable {
    case rowMajor
    /// A bf16 `[out, in]` matrix in panels of 16 output features.
    case bf16Panels

    /// Output features per panel.
    public static let panelWidth = 16

    /// Elements the storage holds for `shape` (padding included).
    func storedElements(shape: [Int]) -> Int {
        switch self {
        case .rowMajor: shape.reduce(1, *)
        case .bf16Panels: dk_bf16_panel_count(shape[0]) * shape[1] * Self.panelWidth
        }
    }

    /// Where element (`row`, `column`) of a packed `[rows, columns]` matrix is stored.
    static func panelOffset(row: Int, column: Int, columns: Int) -> Int {
        let panel = row / panelWidth, feature = row % panelWidth
        let slot = feature < 8 ? 2 * feature : 2 * (feature - 8) + 1
        return (panel * columns + column) * panelWidth + slot
    }
}

extension Tensor {
    /// This bf16 matrix packed into panels (a new allocation; the caller drops the row-major one).
    public func packedBF16Panels() -> Tensor {
        precondition(dtype == .bf16 && rank == 2 && layout == .rowMajor, "packing needs a row-major bf16 matrix, got \(dtype) \(shape)")
        let rows = shape[0], columns = shape[1]
        let panels = dk_bf16_panel_count(rows)
        let bytes = TensorLayout.bf16Panels.storedElements(shape: shape) * DType.bf16.byteSize
        let out = Tensor(shape: shape, dtype: .bf16, storage: Storage(byteCount: bytes), byteOffset: 0, layout: .bf16Panels)
        let source = u16, destination = out.u16
        // Panels are independent: pack them in parallel (a 2B model packs about 2.6 G values at load).
        EngineThreads.parallelFor(panels, minimumPerChunk: 16) { range in
            let firstRow = range.lowerBound * TensorLayout.panelWidth
            let rowCount = min(rows, range.upperBound * TensorLayout.panelWidth) - firstRow
            dk_pack_bf16_panels(source + firstRow * columns, columns, rowCount, columns,
                                destination + range.lowerBound * columns * TensorLayout.panelWidth)
        }
        return out
    }

    /// A row-major copy of a packed matrix (itself when already row-major).
    public func unpacked() -> Tensor {
        guard layout == .bf16Panels else { return self }
        let out = Tensor(zeros: shape, dtype: .bf16)
        dk_unpack_bf16_panels(u16, shape[0], shape[1], out.u16, shape[1])
        return out
    }
}
