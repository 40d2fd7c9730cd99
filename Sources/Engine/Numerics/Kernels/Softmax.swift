import CKernels

/// Row-wise softmax in f32 (max-subtracted, sums accumulated in double per 1024-element block).
public enum Softmax {
    /// `y[r] = softmax(x[r])` for each of `rows` rows of length `cols`; in place allowed.
    public static func forward(_ x: UnsafePointer<Float>, rows: Int, cols: Int, into y: UnsafeMutablePointer<Float>) {
        EngineThreads.parallelFor(rows, minimumPerChunk: max(1, 16_384 / max(1, cols))) { r in
            for i in r { dk_softmax_row_f32(x + i * cols, y + i * cols, cols) }
        }
    }

    /// `dx = y · (dy − Σ y·dy)` per row, with `y` the forward output; `dx` may alias `dy`.
    public static func backward(_ dy: UnsafePointer<Float>, y: UnsafePointer<Float>, rows: Int, cols: Int, dx: UnsafeMutablePointer<Float>) {
        EngineThreads.parallelFor(rows, minimumPerChunk: max(1, 16_384 / max(1, cols))) { r in
            for i in r { dk_softmax_backward_row_f32(dy + i * cols, y + i * cols, dx + i * cols, cols) }
        }
    }
}
