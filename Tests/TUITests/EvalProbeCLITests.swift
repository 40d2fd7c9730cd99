import DuetCore
import Engine
import Foundation
import Testing

/// `duet eval probe` on the bundled models: one line per feature kind, accuracies in range, JSON too.
@Suite struct EvalProbeCLITests {
    @Test func probeReportsEachFeatureKind() throws {
        let dec = try runDuet(["eval", "probe", "--model", BundledModelsTests.decoderOnly, "--train", "40", "--test", "20", "--json"])
        try #require(dec.status == 0, "\(dec.stderr)")
        let report = try JSONParser.parse(Array(dec.stdout.utf8))
        #expect(report["majority_baseline"] == .double(0.5))
        guard case let .array(features)? = report["features"] else { Issue.record("\(dec.stdout)"); return }
        #expect(features.compactMap { if case let .string(s)? = $0["features"] { s } else { nil } }
                == ["decoder-only, last token", "decoder-only, mean-pooled"])
        for f in features {
            guard case let .double(a)? = f["test_accuracy"] else { Issue.record("\(f)"); continue }
            #expect((0...1).contains(a))
            // Per held-out statement results (for paired comparisons), agreeing with the accuracy.
            guard case let .array(items)? = f["test_correct"] else { Issue.record("no test_correct: \(f)"); continue }
            let right = items.filter { $0 == .bool(true) }.count
            #expect(items.count == 20 && abs(Double(right) / 20 - a) < 1e-9, "\(items.count) items, \(right) right, accuracy \(a)")
        }
        let encdec = try runDuet(["eval", "probe", "--model", BundledModelsTests.encoderDecoder, "--train", "40", "--test", "20"])
        try #require(encdec.status == 0, "\(encdec.stderr)")
        #expect(encdec.stdout.contains("encoder, mean-pooled") && encdec.stdout.contains("majority baseline 50.0%"), "\(encdec.stdout)")
    }
}
