import DuetCore
import Engine
import Foundation

/// How a run of the stages ended.
enum StageRunOutcome: Equatable {
    case finished
    /// A signal stopped it; the same command continues it.
    case interrupted(signal: Int32)
}

/// Runs an experiment's stages in order: skips those with a marker, clears a half-done stage's outputs,
/// continues an interrupted training run from its checkpoint, writes each marker atomically once its
/// stage is done, and stops cleanly (no marker) when a signal arrives.
final class StageRunner {
    let layout: ExperimentLayout
    let children: ChildProcesses
    let executable: String

    init(layout: ExperimentLayout, children: ChildProcesses, executable: String = ChildProcesses.executable) {
        self.layout = layout
        self.children = children
        self.executable = executable
    }

    func run(_ stages: [ExperimentStage]) throws -> StageRunOutcome {
        let fm = FileManager.default
        try fm.createDirectory(atPath: layout.stages, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: layout.logs, withIntermediateDirectories: true)
        let width = String(stages.count).count
        for (index, stage) in stages.enumerated() {
            let number = "[" + String(repeating: " ", count: width - String(index + 1).count) + "\(index + 1)/\(stages.count)]"
            let marker = layout.marker(stage.id)
            if !stage.always, fm.fileExists(atPath: marker) {
                say("\(number) \(stage.title): already done")
                continue
            }
            if let signal = children.interruption { return .interrupted(signal: signal) }
            let start = Date()
            let completed: Bool
            switch stage.action {
            case let .command(arguments, stdoutFile):
                say("\(number) \(stage.title)\n" + indent(number) + MiniReplicationCommand.shellCommand(["duet"] + arguments))
                for output in stage.outputs where fm.fileExists(atPath: output) { try fm.removeItem(atPath: output) }
                let capture = stdoutFile.map { $0 + ".partial" }
                if let capture {
                    try fm.createDirectory(atPath: (capture as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    _ = fm.createFile(atPath: capture, contents: nil)
                }
                let status = try children.run([executable] + arguments, stdout: capture ?? layout.log(stage.id), stderr: layout.log(stage.id))
                if status == 0, let capture, let stdoutFile { try fm.moveItem(atPath: capture, toPath: stdoutFile) }
                if status != 0, children.interruption == nil { throw failure(stage, "exit status \(status)") }
                completed = status == 0
            case let .train(runDirectory, steps, arguments, resume):
                let resuming = fm.fileExists(atPath: runDirectory + "/run.json")
                let argv = resuming ? resume : arguments
                say("\(number) \(stage.title)"
                    + (resuming ? ": resuming \(runDirectory) from its latest checkpoint" : "")
                    + "\n" + indent(number) + MiniReplicationCommand.shellCommand(["duet"] + argv))
                let status = try children.run([executable] + argv, stdout: layout.log(stage.id), stderr: layout.log(stage.id))
                completed = status == 0 && Self.isComplete(runDirectory: runDirectory, steps: steps)
                if !completed, children.interruption == nil {
                    throw failure(stage, status == 0 ? "the run stopped before step \(steps)" : "exit status \(status)")
                }
            case let .local(work):
                say("\(number) \(stage.title)")
                do { try work() } catch { throw failure(stage, "\(error)") }
                completed = true
            }
            guard completed else { return .interrupted(signal: children.interruption ?? SIGTERM) }
            let seconds = Date().timeIntervalSince(start)
            if !stage.always { try Self.writeMarker(StageMarker(stage: stage.id, title: stage.title, seconds: seconds, finishedAt: Date()), to: marker) }
            say(indent(number) + String(format: "done in %.1f s", seconds))
        }
        if let signal = children.interruption { return .interrupted(signal: signal) }
        return .finished
    }

    /// Whether a training run's latest checkpoint is its last step.
    static func isComplete(runDirectory: String, steps: Int) -> Bool {
        guard let latest = try? String(contentsOfFile: runDirectory + "/latest", encoding: .utf8) else { return false }
        return latest.trimmingCharacters(in: .whitespacesAndNewlines) == "checkpoints/step-\(steps)"
    }

    static func writeMarker(_ marker: StageMarker, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(marker), to: URL(fileURLWithPath: path))
    }

    private func failure(_ stage: ExperimentStage, _ reason: String) -> CommandFailure {
        let log = layout.log(stage.id)
        let tail = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").suffix(15)
        return CommandFailure("stage '\(stage.title)' failed (\(reason)); its log is \(log)"
                              + (tail.isEmpty ? "" : ":\n" + tail.joined(separator: "\n")))
    }

    private func indent(_ number: String) -> String { String(repeating: " ", count: number.count + 1) }

    private func say(_ line: String) {
        print(line)
        fflush(stdout)
    }
}
