import Foundation
import Sessions

/// One metric series as the dashboard holds it, ascending by step: steps, values and wall times as
/// parallel arrays (what charts slice without copying).
struct MetricBuffer {
    var steps: [Double] = []
    var values: [Double] = []
    /// Unix seconds.
    var times: [Double] = []

    var count: Int { steps.count }
    var lastStep: Int64? { steps.last.map { Int64($0) } }
    var lastValue: Double? { values.last }

    mutating func append(_ points: [MetricPoint]) {
        steps.reserveCapacity(steps.count + points.count)
        values.reserveCapacity(values.count + points.count)
        times.reserveCapacity(times.count + points.count)
        for p in points {
            steps.append(Double(p.step))
            values.append(p.value)
            times.append(p.wallTime.timeIntervalSince1970)
        }
    }

    /// The index of the first point with step > `step` (binary search).
    func firstIndex(afterStep step: Double) -> Int {
        var lo = 0, hi = steps.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if steps[mid] > step { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// The value at exactly `step`, if there is a point there.
    func value(atStep step: Double) -> Double? {
        let i = firstIndex(afterStep: step) - 1
        return i >= 0 && steps[i] == step ? values[i] : nil
    }
}

/// What the dashboard knows about one run: the record, its latest metrics, and (while it is shown or
/// live) its full series, checkpoints and control requests. Owned by the UI thread.
final class TrainRunState {
    private(set) var run: Run
    private(set) var latest: [String: Metric] = [:]
    private(set) var series: [String: MetricBuffer] = [:]
    private(set) var checkpoints: [CheckpointRecord] = []
    private(set) var controlRequests: [ControlRequest] = []
    /// Status changes seen while polling (the database keeps only the current status).
    private(set) var statusChanges: [(time: Double, status: RunStatus)] = []
    /// Steps whose gradients were clipped, with the gradient norm there: `clipped` x `grad_norm`.
    private(set) var clipEvents = MetricBuffer()
    private(set) var eta = ETAEstimator()
    private var smoothing: [String: IncrementalEMA] = [:]
    private var clipScanned = 0

    init(run: Run, now: Double) {
        self.run = run
        statusChanges = [(now, run.status)]
    }

    // MARK: Updating

    func update(run newRun: Run, now: Double) {
        if newRun.status != run.status { statusChanges.append((now, newRun.status)) }
        run = newRun
    }

    func update(latest metrics: [Metric]) {
        latest = Dictionary(metrics.map { ($0.name, $0) }, uniquingKeysWith: { _, b in b })
    }

    /// Applies new points; with `reset`, everything held so far is dropped first.
    func apply(_ delta: TrainRunDelta) {
        if delta.reset {
            series = [:]
            smoothing = [:]
            clipEvents = MetricBuffer()
            clipScanned = 0
            eta = ETAEstimator()
        }
        for (name, points) in delta.points where !points.isEmpty {
            series[name, default: MetricBuffer()].append(points)
        }
        if let loss = delta.points["loss"] {
            for p in loss { eta.observe(step: p.step, time: p.wallTime.timeIntervalSince1970) }
        }
        if let c = delta.checkpoints { checkpoints = c }
        if let r = delta.controlRequests { controlRequests = r }
        scanClipEvents()
    }

    /// Extends `clipEvents` with the steps flagged in `clipped` since the last scan.
    private func scanClipEvents() {
        guard let clipped = series["clipped"], let norms = series["grad_norm"] else { return }
        let end = min(clipped.count, norms.count)
        guard clipScanned < end else { return }
        for i in clipScanned..<end where clipped.values[i] >= 0.5 {
            let step = clipped.steps[i]
            let norm = norms.steps[i] == step ? norms.values[i] : norms.value(atStep: step)
            guard let norm else { continue }
            clipEvents.steps.append(step)
            clipEvents.values.append(norm)
            clipEvents.times.append(clipped.times[i])
        }
        clipScanned = end
    }

    // MARK: Reading

    /// The EMA-smoothed values of series `name` (cached; extended as points arrive).
    func smoothed(_ name: String, weight: Double) -> [Double] {
        guard let buffer = series[name] else { return [] }
        return smoothing[name, default: IncrementalEMA()].update(buffer.values, weight: weight)
    }

    var isLive: Bool { run.status == .running || run.status == .paused || run.status == .queued }

    /// `training.steps` of the run's config (`duet train` writes it).
    var totalSteps: Int64? {
        if case .int(let n) = run.config["training"]?["steps"] { return Int64(n) }
        return nil
    }

    /// The gradient-norm clipping threshold of the config, if any.
    var clipNorm: Double? {
        switch run.config["training"]?["clipNorm"] {
        case .double(let v)?: return v
        case .int(let v)?: return Double(v)
        default: return nil
        }
    }

    /// Processes that trained the run together (`ranks` of the config `duet train` writes under
    /// `mpirun`; 1 without it).
    var ranks: Int {
        if case .int(let n) = run.config["ranks"], n > 0 { return Int(n) }
        return 1
    }

    /// The model the run started from (its directory's name).
    var modelName: String {
        if case .string(let path) = run.config["modelDirectory"] { return (path as NSString).lastPathComponent }
        return "-"
    }

    /// Highest step with a loss (from the series when loaded, else the latest metrics).
    var currentStep: Int64? { series["loss"]?.lastStep ?? latest["loss"]?.step }

    func latestValue(_ name: String) -> Double? { series[name]?.lastValue ?? latest[name]?.value }

    /// Wall time of the first point (the origin of the relative-time axis).
    var firstTime: Double? {
        series.values.compactMap { $0.times.first }.min() ?? run.startedAt?.timeIntervalSince1970
    }

    /// Seconds left, or nil when unknown.
    var remainingSeconds: Double? {
        guard let total = totalSteps else { return nil }
        return eta.remainingSeconds(totalSteps: total)
    }

    /// A short display name: "#3 sft name".
    var label: String { "#\(run.id)" + (run.name.map { " " + $0 } ?? "") }
}

/// New data for one run from a poll.
struct TrainRunDelta {
    /// Drop what is held before applying (first fetch, or a new process took the run over).
    var reset: Bool
    /// New points per series, ascending.
    var points: [String: [MetricPoint]]
    /// The full lists, when they changed.
    var checkpoints: [CheckpointRecord]?
    var controlRequests: [ControlRequest]?
}
