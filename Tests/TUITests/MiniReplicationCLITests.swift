import Engine
import Foundation
import Sessions
import Testing
@testable import DuetCLI

/// `duet experiment mini-replication --budget test` end to end with real child processes and a real
/// database: interrupted by SIGTERM during S's pretraining, rerun to completion (finished stages skipped, the
/// training run resumed from its checkpoint), rerun again (nothing left to do), and its report and plots
/// checked against the numbers it was built from.
@Suite(.serialized) struct MiniReplicationCLITests {
    static let pretrainSteps = 400

    @Test func testBudgetRunsEndToEndAndResumesAfterSIGTERM() throws {
        let dir = TemporaryDirectory()
        let out = dir.file("experiment")
        let arguments = ["experiment", "mini-replication", "--out", out, "--budget", "test",
                         "--pretrain-steps", String(Self.pretrainSteps), "--threads", "1"]
        let fm = FileManager.default

        // 1. Interrupt S's pretraining once it has saved a checkpoint.
        let first = try #require(startDuet(arguments))
        try #require(first.waitForLine(timeout: 180) { $0.contains("S pretraining (clm)") } != nil, "\(first.stdout)\n\(first.stderr)")
        // A second invocation in the same directory meanwhile is refused, not run alongside.
        let concurrent = try runDuet(arguments)
        #expect(concurrent.status != 0 && concurrent.stderr.contains("is still running in"), "\(concurrent.stderr)")
        let latest = out + "/runs/pretrain-S/latest"
        let deadline = Date().addingTimeInterval(180)
        while !fm.fileExists(atPath: latest) && !first.hasExited && Date() < deadline { usleep(20_000) }
        try #require(!first.hasExited, "it ended before S's first checkpoint:\n\(first.stdout)\n\(first.stderr)")
        first.signal(SIGTERM)
        #expect(first.wait() == 130, "\(first.stderr)")
        #expect(first.stderr.contains("stopped by SIGTERM") && first.stderr.contains("Continue with the same command"), "\(first.stderr)")
        #expect(fm.fileExists(atPath: out + "/stages/tokenizer.done"))
        #expect(!fm.fileExists(atPath: out + "/stages/pretrain-S.done"))
        let stoppedAt = try String(contentsOfFile: latest, encoding: .utf8)
        #expect(stoppedAt != "checkpoints/step-\(Self.pretrainSteps)", "the run was stopped before its end")

        // 2. The same command finishes it: done stages skipped, the training run resumed.
        let second = try runDuet(arguments)
        try #require(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        #expect(second.stdout.contains("synthetic world data (0.05 MB): already done"), "\(second.stdout)")
        #expect(second.stdout.contains("S pretraining (clm): resuming \(out)/runs/pretrain-S from its latest checkpoint"), "\(second.stdout)")
        #expect(fm.fileExists(atPath: out + "/runs/pretrain-S/checkpoints/step-\(Self.pretrainSteps)"))

        // 3. Once more: nothing but the report is run.
        let third = try runDuet(arguments)
        try #require(third.status == 0, "\(third.stderr)")
        let lines = third.stdout.split(separator: "\n")
        let stageLines = lines.filter { $0.hasPrefix("[") }
        #expect(stageLines.filter { $0.hasSuffix(": already done") }.count == stageLines.count - 1, "\(third.stdout)")
        #expect(stageLines.last?.hasSuffix("report.md and plots") == true)

        try checkDatabase(out)
        try checkReport(out)
    }

    /// Every training arm is one finished run in the database, the interrupted one with all its steps' losses.
    private func checkDatabase(_ out: String) throws {
        let store = try DuetStore.open(path: out + "/experiment.sqlite", access: .readOnly)
        // (Evaluations are runs too, recorded against the checkpoint they evaluate.)
        let runs = try store.runs(limit: 10_000).filter {
            $0.outputDirectory?.hasPrefix(out + "/runs/") == true && $0.outputDirectory?.contains("/checkpoints/") == false
        }
        let directories = Set(runs.compactMap(\.outputDirectory))
        // S and L pretraining, 6 continued arms, 6 arms × 2 seeds of SFT.
        #expect(directories.count == 2 + 6 + 12 && runs.count == directories.count, "\(runs.map { $0.outputDirectory ?? "" })")
        #expect(runs.allSatisfy { $0.status == .finished }, "\(runs.map { "\($0.outputDirectory ?? "") \($0.status)" })")
        let pretrain = try #require(runs.first { $0.outputDirectory == out + "/runs/pretrain-S" })
        let losses = try store.metricSeries(runId: pretrain.id, name: "loss")
        #expect(losses.map(\.step) == (1...Int64(Self.pretrainSteps)).map { $0 })
    }

    /// The report's numbers are those of the evaluation files, and each verdict agrees with the interval printed beside it.
    private func checkReport(_ out: String) throws {
        let report = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        for label in ReplicationArm.all.map(\.label) { #expect(report.contains("| \(label) | "), "\(label)") }
        // The decoder-only row's held-out accuracy: both seeds' items pooled, with their bootstrap interval.
        let items = try [1, 2].flatMap { seed -> [Bool] in
            let path = out + "/eval/dec-S-seed\(seed)-heldout.json"
            return try PairedComparison.outcomes(ofReport: try Data(contentsOf: URL(fileURLWithPath: path)), file: path).map(\.correct)
        }
        let row = try #require(report.split(separator: "\n").first { $0.hasPrefix("| decoder-only S | ") })
        #expect(row.contains(ReplicationReport.accuracy(items)), "\(row)")

        let claims = report.split(separator: "\n").filter { $0.hasPrefix("| 1 |") || $0.hasPrefix("| 2 |") || $0.hasPrefix("| 3 |") || $0.hasPrefix("| A") }
        #expect(claims.count == 7, "\(report)")  // claims 1-3, ablations A1-A4
        for line in claims {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let bounds = cells[3].components(separatedBy: " to ").compactMap { Double($0) }
            try #require(bounds.count == 2, "\(line)")
            let verdict = cells[5].replacingOccurrences(of: "*", with: "")
            let ratio = Double(cells[4])
            if bounds[0] > 0 {
                #expect(verdict == (ratio.map { $0 > ClaimThresholds.aboutSameLatency } == true ? "does not hold" : "holds"), "\(line)")
            } else if bounds[1] < 0 {
                #expect(verdict == "does not hold", "\(line)")
            } else if bounds[0] < 0 && bounds[1] > 0 {
                #expect(verdict == "inconclusive (CI crosses 0)", "\(line)")
            } else {
                // An end printed as ±0.00 is within rounding of zero: either side is consistent.
                #expect(["holds", "does not hold", "inconclusive (CI crosses 0)"].contains(verdict), "\(line)")
            }
        }
        for png in ["loss-pretraining.png", "loss-continued.png", "loss-sft.png", "frontier.png"] {
            #expect(report.contains("(\(png))"))
            let image = try DecodedPNG(Array(try Data(contentsOf: URL(fileURLWithPath: out + "/" + png))))
            #expect(image.width == 800 && image.height == 500)
            #expect(Set(stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] }).count > 3, "\(png) has a drawing")
        }
    }
}
