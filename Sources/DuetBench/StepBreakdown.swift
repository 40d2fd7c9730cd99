import Engine
import Foundation

/// Where profiled training steps (`duet bench train --profile`) or prompt passes (`duet bench generate
/// --profile`) spent their time, per kind of work and the rest (the loop, allocation, copies, what no
/// kind covers), per step and as a share of it.
struct StepBreakdown {
    let rows: [(kind: String, seconds: Double)]
    let stepSeconds: Double
    /// What one step is, for the table's first line ("step", "prompt pass").
    let unit: String

    init(totals: [StepProfile.Kind: Double], steps: Int, seconds: Double, unit: String = "step") {
        self.unit = unit
        stepSeconds = seconds / Double(steps)
        var rows = StepProfile.Kind.allCases.compactMap { kind in
            totals[kind].map { (kind: kind.rawValue, seconds: $0 / Double(steps)) }
        }
        let covered = rows.reduce(0) { $0 + $1.seconds }
        rows.append((kind: "other (loop, copies, allocation, uncovered code)", seconds: max(0, stepSeconds - covered)))
        self.rows = rows
    }

    var table: String {
        var lines = [String(format: "profile:      %.3f s per profiled %@ (the timing adds a little)", stepSeconds, unit)]
        for row in rows.sorted(by: { $0.seconds > $1.seconds }) {
            lines.append(String(format: "  %7.1f ms  %5.1f%%  %@", row.seconds * 1000, row.seconds / stepSeconds * 100, row.kind))
        }
        return lines.joined(separator: "\n")
    }

    var json: [String: Any] {
        ["step_seconds": stepSeconds,
         "seconds_per_step": Dictionary(uniqueKeysWithValues: rows.map { ($0.kind, $0.seconds) })]
    }
}
