import Foundation
import GRDB

extension DuetStore {
    /// Accuracy and decode speed of every model Duet has evaluated or generated with (see
    /// `QualityCostTable`). Accuracies come from finished eval runs (`duet eval tasks`): per model, the
    /// latest on the evaluation set most models were evaluated on. Speeds are medians of the stored
    /// decode tokens/s of chat replies and comparison entries.
    public func qualityAndCost() throws(SessionsError) -> QualityCostTable {
        try read { db in
            let evals = try Row.fetchAll(db, sql: """
                SELECT json_extract(run.config, '$.model') AS model, json_extract(run.config, '$.eval') AS evalSet,
                       metric.value AS accuracy
                FROM run JOIN metric ON metric.runId = run.id AND metric.name = 'accuracy'
                WHERE run.kind = 'eval' AND run.status = 'finished'
                  AND json_extract(run.config, '$.model') IS NOT NULL AND json_extract(run.config, '$.eval') IS NOT NULL
                ORDER BY run.endedAt, run.id
                """)
            // Latest accuracy per (set, model); the set with the most models wins (then the latest used).
            var bySet: [String: [String: Double]] = [:]
            var lastUse: [String: Int] = [:]
            for (i, row) in evals.enumerated() {
                let r = RowReader(row: row, table: "run")
                let model: String = try r("model"), set: String = try r("evalSet")
                if let accuracy: Double = try r.optional("accuracy") { bySet[set, default: [:]][model] = accuracy }
                lastUse[set] = i
            }
            let evalSet = bySet.keys.max { a, b in
                (bySet[a]!.count, lastUse[a] ?? 0) < (bySet[b]!.count, lastUse[b] ?? 0)
            }
            let accuracies = evalSet.map { bySet[$0]! } ?? [:]
            let speeds = try Row.fetchAll(db, sql: """
                SELECT model.path AS path, s.decodeTokensPerSecond AS speed
                FROM comparisonEntryStats s JOIN comparisonEntry e ON e.id = s.entryId JOIN model ON model.id = e.modelId
                WHERE s.decodeTokensPerSecond > 0
                UNION ALL
                SELECT model.path, s.decodeTokensPerSecond
                FROM messageStats s JOIN message m ON m.id = s.messageId JOIN chatSession c ON c.id = m.sessionId
                     JOIN model ON model.id = c.modelId
                WHERE s.decodeTokensPerSecond > 0
                """)
            var samples: [String: [Double]] = [:]
            for row in speeds {
                let r = RowReader(row: row, table: "comparisonEntryStats")
                samples[try r("path"), default: []].append(try r("speed"))
            }
            // Models evaluated but never chatted with or compared: their evaluation's own decode speed.
            let evalSpeeds = try Row.fetchAll(db, sql: """
                SELECT json_extract(run.config, '$.model') AS path, metric.value AS speed
                FROM run JOIN metric ON metric.runId = run.id AND metric.name = 'decode_tokens_per_second'
                WHERE run.kind = 'eval' AND run.status = 'finished' AND metric.value > 0
                  AND json_extract(run.config, '$.model') IS NOT NULL
                ORDER BY run.endedAt, run.id
                """)
            var latestEvalSpeed: [String: Double] = [:]
            for row in evalSpeeds {
                let r = RowReader(row: row, table: "run")
                latestEvalSpeed[try r("path")] = try r("speed")
            }
            let paths = Set(accuracies.keys).union(samples.keys).sorted()
            return QualityCostTable(evalSet: evalSet, models: paths.map { path in
                let s = (samples[path] ?? []).sorted()
                guard !s.isEmpty else {
                    return ModelQualityCost(path: path, accuracy: accuracies[path], decodeTokensPerSecond: latestEvalSpeed[path],
                                            generations: 0, speedFromEvaluation: latestEvalSpeed[path] != nil)
                }
                let median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
                return ModelQualityCost(path: path, accuracy: accuracies[path], decodeTokensPerSecond: median, generations: s.count)
            })
        }
    }
}
