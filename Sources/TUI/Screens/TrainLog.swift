import DuetCore
import Foundation
import Sessions

/// One line of a run's log on the dashboard.
struct TrainLogEntry: Equatable {
    /// Unix seconds.
    var time: Double
    var text: String
    var role: StyleRole
}

/// A run's log, put together from what the database records (creation, start, control requests and
/// their answers, evaluations, checkpoints, the end and its error) and from the status changes the
/// dashboard saw while polling; and the tail of the run's `train.log` (runs started from the dashboard).
enum TrainLog {
    /// The file `duet train`'s output goes to when the dashboard starts a run.
    static let fileName = "train.log"

    /// The log, oldest first. With `recent`, only the last `recent` evaluations are included (a long run
    /// has thousands; the dashboard shows a few lines and draws often).
    static func entries(for state: TrainRunState, recent: Int? = nil) -> [TrainLogEntry] {
        let run = state.run
        var out: [TrainLogEntry] = []
        func add(_ date: Date?, _ text: String, _ role: StyleRole = .normal) {
            if let date { out.append(TrainLogEntry(time: date.timeIntervalSince1970, text: text, role: role)) }
        }
        add(run.createdAt, "created: \(run.kind.rawValue) from \(state.modelName)", .dim)
        add(run.startedAt, "started" + (run.processId.map { " (pid \($0)\(run.hostName.map { " on \($0)" } ?? ""))" } ?? ""))
        for change in state.statusChanges.dropFirst() where !change.status.isFinal {
            out.append(TrainLogEntry(time: change.time, text: "status: \(change.status.rawValue)",
                                     role: change.status == .lost ? .warning : .accent))
        }
        for request in state.controlRequests {
            add(request.requestedAt, "\(request.action.rawValue) requested", .dim)
            add(request.acknowledgedAt, "\(request.action.rawValue) taken by the run" + (request.note.map { ": \($0)" } ?? ""))
        }
        if let val = state.series["val_loss"] {
            let accuracy = state.series["val_accuracy"]
            for i in max(0, val.count - (recent ?? val.count))..<val.count {
                var text = "eval step \(Int64(val.steps[i])): val_loss \(ChartNumberFormat.precise(val.values[i]))"
                if let a = accuracy?.value(atStep: val.steps[i]) { text += String(format: " · accuracy %.1f%%", a * 100) }
                out.append(TrainLogEntry(time: val.times[i], text: text, role: .success))
            }
        }
        for checkpoint in state.checkpoints {
            var text = "checkpoint step \(checkpoint.step): \(checkpoint.path)"
            if let results = checkpoint.evalResults, case .object(let members) = results, !members.isEmpty {
                text += " · " + members.map(\.0).sorted().map { key in "\(key) \(results[key].map(describe) ?? "-")" }.joined(separator: " · ")
            }
            add(checkpoint.createdAt, text, .notice)
        }
        if run.status == .lost {
            add(run.heartbeatAt ?? run.startedAt, "no heartbeat since then: the process is gone or stuck (lost)", .warning)
        }
        if run.status.isFinal {
            let step = state.currentStep.map { " at step \($0)" } ?? ""
            let role: StyleRole = run.status == .failed ? .error : run.status == .finished ? .success : .warning
            add(run.endedAt ?? run.heartbeatAt, "\(run.status.rawValue)\(step)" + (run.error.map { ": \($0)" } ?? ""), role)
        }
        return out.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    /// The last `maxLines` lines of `path` (reading at most its last 64 KiB), or nil when it does not exist.
    /// Carriage-return progress updates keep only their last state.
    static func tail(ofFile path: String, maxLines: Int) -> [String]? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > 65536 ? size - 65536 : 0
        try? handle.seek(toOffset: start)
        let data = (try? handle.readToEnd()) ?? Data()
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.split(separator: "\r", omittingEmptySubsequences: true).last ?? "")
        }
        if start > 0, !lines.isEmpty { lines.removeFirst() }  // a partial first line
        while lines.last?.isEmpty == true { lines.removeLast() }
        return Array(lines.suffix(maxLines))
    }

    /// "14:05:09" in local time.
    static func clock(_ unixSeconds: Double) -> String { TimeTicks.clockLabel(unixSeconds, withSeconds: true) }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .double(let v): return ChartNumberFormat.precise(v)
        case .int(let v): return String(v)
        case .string(let s): return s
        case .bool(let b): return String(b)
        default: return value.jsonText()
        }
    }
}
