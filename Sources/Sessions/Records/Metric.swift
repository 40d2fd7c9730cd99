import Foundation

/// One value of a named series (loss, learning rate...) at a training step.
///
/// NaN values are kept (SQLite cannot store NaN, so they are stored as NULL and read back as NaN).
public struct Metric: Codable, Sendable, Hashable {
    public var runId: Int64
    public var step: Int64
    public var name: String
    public var value: Double
    /// When the value was measured.
    public var wallTime: Date

    public init(runId: Int64, step: Int64, name: String, value: Double, wallTime: Date = Date()) {
        self.runId = runId
        self.step = step
        self.name = name
        self.value = value
        self.wallTime = wallTime
    }
}

/// A point of a metric series (for charts).
public struct MetricPoint: Codable, Sendable, Hashable {
    public var step: Int64
    public var value: Double
    public var wallTime: Date
}
