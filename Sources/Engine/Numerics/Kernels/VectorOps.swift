import CKernels

/// Small vector helpers the layers need, on contiguous f32 buffers. They run the SIMD C kernels
/// (AVX-512 / AVX2 / baseline picked at load time), so they are fast in debug builds too.
public enum VectorOps {
    /// `y = a + b`. `y` may be `a` or `b`.
    public static func add(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float>) {
        let timed = StepProfile.begin(.elementwise)
        defer { StepProfile.end(timed) }
        dk_add_f32(a, b, y, count)
    }

    /// `y += x`.
    public static func addInPlace(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
        dk_add_f32(y, x, y, count)
    }

    /// `y += alpha * x`.
    public static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        dk_axpy_f32(alpha, x, y, count)
    }

    /// `x *= s`.
    public static func scale(_ x: UnsafeMutablePointer<Float>, count: Int, by s: Float) {
        dk_scale_f32(x, count, s)
    }

    /// `Σ a[i]·b[i]` in f32 (16-lane partial sums).
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        dk_dot_f32(a, b, count)
    }

    /// `Σ x[i]` in f32 with 16 running partial sums: a plain streaming read (the memory-bandwidth
    /// benchmark uses it), not for sums that need extra precision.
    public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        dk_stream_sum(x, count)
    }

    /// `Σ x[i]²`, accumulated in double over blocks (for gradient norms).
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        dk_sumsq_f32(x, count)
    }

    /// `y = exp(x)` element-wise (y may alias x); 0 below -87.3, +inf above 88.
    public static func exp(_ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float>) {
        dk_exp_f32(x, y, count)
    }

    /// `y = tanh(x)` element-wise (y may alias x), about 2 ulp.
    public static func tanh(_ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float>) {
        dk_tanh_f32(x, y, count)
    }
}
