import DuetCore
import Engine
import Foundation
import Sessions

/// The report's PNG plots: loss curves of every training run (from the metrics in the database) and the
/// quality-efficiency frontier (held-out accuracy against decode milliseconds per token).
enum ReplicationPlots {
    /// Writes the plots into the experiment directory; returns title → file name.
    static func write(plan: ReplicationPlan, results: [ArmResults]) throws -> [String: String] {
        let layout = plan.layout
        var written: [String: String] = [:]
        func save(_ chart: PlotChart, _ name: String) throws {
            try AtomicFile.write(Data(PNGEncoder.encode(chart.render())), to: URL(fileURLWithPath: layout.path(name)))
            written[chart.title] = name
        }
        let store = try DuetStore.open(path: plan.database, access: .readOnly)
        let runs = try store.runs(limit: 100_000)
        func losses(_ runDirectory: String) throws -> [PlotPoint] {
            let path = URL(fileURLWithPath: runDirectory).standardizedFileURL.path
            // The newest row of the directory: a run trained longer after finishing gets a new row.
            guard let run = runs.filter({ $0.outputDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path } == path })
                .max(by: { $0.id < $1.id }) else { return [] }
            return try store.metricSeries(runId: run.id, name: "loss").map { PlotPoint(x: Double($0.step), y: $0.value) }
        }
        let pretrain = try ["S", "L"].map { PlotSeries(name: "\($0) (clm)", style: .line, points: try losses(layout.pretrainRun($0))) }
        try save(PlotChart(title: "Pretraining loss", xLabel: "step", yLabel: "training loss", series: pretrain), "loss-pretraining.png")
        let continued = try ReplicationArm.all.map {
            PlotSeries(name: "\($0.label)", style: .line, points: try losses(layout.continuedRun($0)))
        }
        try save(PlotChart(title: "Continued pretraining loss", xLabel: "step", yLabel: "training loss", series: continued),
                 "loss-continued.png")
        var sft: [PlotSeries] = []
        for arm in ReplicationArm.all {
            for seed in plan.seeds {
                sft.append(PlotSeries(name: "\(arm.label) s\(seed)", style: .line, points: try losses(layout.sftRun(arm, seed: seed))))
            }
        }
        try save(PlotChart(title: "SFT loss", xLabel: "step", yLabel: "training loss", series: sft), "loss-sft.png")
        try save(frontier(results), "frontier.png")
        return written
    }

    /// Held-out accuracy (seeds pooled, with its 95% interval) against decode milliseconds per token, one
    /// series per arm so the legend names them.
    static func frontier(_ results: [ArmResults]) -> PlotChart {
        let series = results.map { r -> PlotSeries in
            let outcomes = r.pooled(r.heldOut)
            let accuracy = outcomes.isEmpty ? 0 : Double(outcomes.filter { $0 }.count) / Double(outcomes.count) * 100
            let ci = Bootstrap.accuracy(outcomes)
            return PlotSeries(name: r.arm.label, style: .markers,
                              points: [PlotPoint(x: r.bench.decodeMillisecondsPerToken, y: accuracy, low: ci.low * 100, high: ci.high * 100)])
        }
        return PlotChart(title: "Quality against decode cost", xLabel: "decode ms per token (1 thread)",
                         yLabel: "held-out accuracy %", series: series, yBounds: (0, 100))
    }
}
