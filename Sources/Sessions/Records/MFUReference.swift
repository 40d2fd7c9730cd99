import Foundation

/// The peak a run's MFU is relative to: a measured sgemm rate on the machine that ran it, stored with
/// the run so its MFU can be read (and compared with another run's) knowing what it divides by.
public struct MFUReference: Codable, Sendable, Hashable {
    /// The peak, in GFLOP/s.
    public var peakGflops: Double
    /// How it was measured, for people ("sgemm 1024³ f32, best call of 2.0 s, 2 threads").
    public var method: String
    public var measuredAt: Date
    /// The share of its threads' time the probe got (1: the cores were its own; lower: other processes
    /// were busy, and the peak is likely low, so MFU high). Nil when unknown.
    public var cpuShare: Double?

    public init(peakGflops: Double, method: String, measuredAt: Date, cpuShare: Double?) {
        self.peakGflops = peakGflops
        self.method = method
        self.measuredAt = measuredAt
        self.cpuShare = cpuShare
    }
}
