import DuetCore
import Engine
import Foundation

/// Builds the report: loads the results, derives the claims, draws the plots, writes `report.md` atomically.
enum ReplicationReportWriter {
    @discardableResult
    static func write(plan: ReplicationPlan) throws -> [ClaimLine] {
        let results = try ReplicationResults.load(plan: plan)
        let claims = try ReplicationClaims.lines(results, seeds: plan.seeds.count)
        let plots = try ReplicationPlots.write(plan: plan, results: results)
        let markers = (try? FileManager.default.contentsOfDirectory(atPath: plan.layout.stages)) ?? []
        let wall = markers.compactMap { StageMarker.read(plan.layout.stages + "/" + $0)?.seconds }.reduce(0, +)
        let text = ReplicationReport.markdown(plan: plan, results: results, claims: claims, plots: plots, wallSeconds: wall)
        try AtomicFile.write(Data(text.utf8), to: URL(fileURLWithPath: plan.layout.report))
        return claims
    }
}
