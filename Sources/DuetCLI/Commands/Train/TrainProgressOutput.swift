import Foundation
import Engine
#if canImport(Glibc)
import Glibc
#endif

/// What `duet train` prints: a redrawn progress line on a terminal (step, loss, learning rate,
/// gradient norm, tokens/s, MFU, ETA), plain lines when piped, or with `--json` one JSON object per
/// line (`"event"`: `start`, `step`, `eval`, `checkpoint`, `end`).
final class TrainProgressOutput {
    let json: Bool
    let totalSteps: Int
    private let interactive: Bool
    private let plainEvery: Int
    private var recentStepSeconds: [Double] = []
    private var lineOpen = false

    init(json: Bool, totalSteps: Int) {
        self.json = json
        self.totalSteps = totalSteps
        interactive = !json && isatty(STDOUT_FILENO) == 1
        plainEvery = max(1, totalSteps / 50)
    }

    struct StartEvent: Encodable {
        var event = "start"
        var runId: Int64
        var step: Int
        var steps: Int
        var parameters: Int
        var trainableParameters: Int
        /// The sgemm peak MFU divides by, and how, when and where it was measured.
        var peakGflops: Double
        var peakMethod: String
        var peakMeasuredAt: String
        var peakMeasuredNow: Bool
        var peakCpuShare: Double
        var peakFile: String
        var resumed: Bool
        var runDirectory: String
        /// Processes training together (`mpirun -np N`; 1 alone).
        var ranks: Int
        /// The human statement of the peak (not in the JSON: its fields are).
        var peakStatement: String

        private enum CodingKeys: String, CodingKey {
            case event, runId, step, steps, parameters, trainableParameters, peakGflops, peakMethod, peakMeasuredAt,
                 peakMeasuredNow, peakCpuShare, peakFile, resumed, runDirectory, ranks
        }

        init(runId: Int64, step: Int, steps: Int, parameters: Int, trainableParameters: Int, peak: SgemmPeak.Choice,
             resumed: Bool, runDirectory: String, ranks: Int = 1) {
            self.ranks = ranks
            self.runId = runId
            self.step = step
            self.steps = steps
            self.parameters = parameters
            self.trainableParameters = trainableParameters
            peakGflops = peak.entry.gflops
            peakMethod = SgemmPeak.method(peak.entry)
            peakMeasuredAt = ISO8601DateFormatter().string(from: peak.entry.measuredAt)
            peakMeasuredNow = peak.measuredNow
            peakCpuShare = peak.entry.cpuShare
            peakFile = peak.file
            peakStatement = SgemmPeak.statement(peak)
            self.resumed = resumed
            self.runDirectory = runDirectory
        }
    }

    struct StepEvent: Encodable {
        var event = "step"
        var step: Int
        var loss: Double
        var hardLoss: Double?
        var softLoss: Double?
        var lr: Double
        var gradNorm: Double
        var clipped: Bool
        var skipped: Bool
        var phase: String
        var tokensPerSecond: Double
        var mfu: Double?
        var seconds: Double
        /// Seconds of the step spent summing gradients over the ranks (nil for one process).
        var allReduceSeconds: Double?
    }

    struct EvalEvent: Encodable {
        var event = "eval"
        var step: Int
        var valLoss: Double
        var valAccuracy: Double
        var tokens: Int
    }

    struct CheckpointEvent: Encodable {
        var event = "checkpoint"
        var step: Int
        var path: String
    }

    struct EndEvent: Encodable {
        var event = "end"
        var status: String
        var step: Int
        var error: String?
    }

    func start(_ event: StartEvent) {
        if json { return emit(event) }
        let resumed = event.resumed ? " (resumed at step \(event.step))" : ""
        line("run \(event.runId) → \(event.runDirectory)\(resumed)")
        line("\(event.parameters.formatted()) parameters (\(event.trainableParameters.formatted()) trainable now)")
        line(event.peakStatement)
        if event.ranks > 1 {
            line("\(event.ranks) ranks (data parallel; tokens/s are the sum over ranks, MFU is rank 0's)")
        }
    }

    func step(_ report: StepReport, throughput: StepThroughput) {
        recentStepSeconds.append(throughput.seconds)
        if recentStepSeconds.count > 20 { recentStepSeconds.removeFirst() }
        if json {
            return emit(StepEvent(step: report.step, loss: report.loss, hardLoss: report.softLoss == nil ? nil : report.hardLoss,
                                  softLoss: report.softLoss, lr: report.learningRate, gradNorm: report.gradientNorm,
                                  clipped: report.clipped, skipped: report.skipped, phase: report.phase.rawValue,
                                  tokensPerSecond: throughput.tokensPerSecond, mfu: throughput.mfu, seconds: throughput.seconds,
                                  allReduceSeconds: report.allReduceSeconds > 0 ? report.allReduceSeconds : nil))
        }
        let text = progressText(report, throughput: throughput)
        if interactive {
            let out = "\r\u{1B}[2K" + text
            FileHandle.standardOutput.write(Data(out.utf8))
            lineOpen = true
        } else if report.step % plainEvery == 0 || report.step == totalSteps {
            line(text)
        }
    }

    func evaluation(_ report: EvaluationReport) {
        if json { return emit(EvalEvent(step: report.step, valLoss: report.loss, valAccuracy: report.accuracy, tokens: report.targetTokens)) }
        line(String(format: "step %d: validation loss %.4f, accuracy %.1f%% (%d tokens)", report.step, report.loss,
                    report.accuracy * 100, report.targetTokens))
    }

    func checkpoint(step: Int, directory: URL) {
        if json { return emit(CheckpointEvent(step: step, path: directory.path)) }
        line("step \(step): checkpoint \(directory.path)")
    }

    func end(status: String, step: Int, error: String? = nil) {
        if json { return emit(EndEvent(status: status, step: step, error: error)) }
        line("\(status) at step \(step)" + (error.map { ": \($0)" } ?? ""))
    }

    func message(_ text: String) {
        if json { return }
        line(text)
    }

    func warning(_ text: String) {
        closeLine()
        FileHandle.standardError.write(Data("duet train: \(text)\n".utf8))
    }

    /// "step 120/1000 [███·······] 12% · loss 3.2140 · lr 2.90e-04 · gnorm 1.23 clipped · 1,234 tok/s · MFU 23.4% · ETA 4m12s"
    func progressText(_ report: StepReport, throughput: StepThroughput) -> String {
        let fraction = Double(report.step) / Double(max(1, totalSteps))
        let width = 20, filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        var parts = [String(format: "step %d/%d [%@] %3.0f%%", report.step, totalSteps, bar, fraction * 100)]
        parts.append(report.skipped ? "loss non-finite (skipped)" : String(format: "loss %.4f", report.loss))
        parts.append(String(format: "lr %.2e", report.learningRate))
        parts.append(report.gradientNorm.isFinite
            ? String(format: "gnorm %.3g%@", report.gradientNorm, report.clipped ? " clipped" : "") : "gnorm non-finite")
        parts.append("\(Int(throughput.tokensPerSecond.rounded()).formatted()) tok/s")
        if let mfu = throughput.mfu { parts.append(String(format: "MFU %.1f%%", mfu * 100)) }
        if report.phase == .crossAttentionWarmup { parts.append("cross-attn warm-up") }
        let remaining = Double(totalSteps - report.step) * recentStepSeconds.reduce(0, +) / Double(max(1, recentStepSeconds.count))
        parts.append("ETA " + Self.duration(remaining))
        return parts.joined(separator: " · ")
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m"
    }

    private func emit<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? encoder.encode(value) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    private func line(_ text: String) {
        closeLine()
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    private func closeLine() {
        if lineOpen {
            FileHandle.standardOutput.write(Data("\n".utf8))
            lineOpen = false
        }
    }
}
