import Engine
import Foundation
import FuzzSupport
import Testing
@testable import DuetCLI
@testable import TUI

/// Mutation fuzzing of the files the app reads itself: config.toml (Duet's TOML subset, then applied
/// to the keymap as at launch), a training run's run.json (what `duet train --resume` trusts) and a
/// model's duet_model.json. Each input must end in a value or an error within a second, without a
/// gigabyte of peak RSS; a crash kills the test process, which is the finding.
@Suite struct ParserFuzzTests {
    static let tomlSeeds: [[UInt8]] = [
        """
        # my keys
        [keys]
        app.palette = "ctrl+k"          # instead of Ctrl+P
        "screen.chat" = ["f6", "alt+c"]
        app.debug = []
        """,
        """
        top = 'literal \\ string'
        [theme]
        name = "dark\\u00e9\\U0001F600"
        size = 1_000
        ratio = 0.5e-3
        flags = [true, false,
          [1, 2.5, "x"],   # nested, over lines
        ]
        [a . "b c"]
        key-1 = -42
        """,
    ].map { Array($0.utf8) }

    /// Escapes cut at the end of the text, and arrays nested past any stack.
    static let tomlCrafted: [[UInt8]] = [
        "k = \"\\u", "k = \"\\u12", "k = \"\\U0001F6", "k = \"\\", "k = \"\\u12\n", "k = \"\\uD800\"", "k = \"\\UFFFFFFFF\"",
        "k = " + String(repeating: "[", count: 100_000), "k = " + String(repeating: "[", count: 50) + String(repeating: "]", count: 50),
        "k = 99999999999999999999999", "k = 1e309", "k = nan", "[", "[a.", "\"k", "k = '",
    ].map { Array($0.utf8) }

    @Test func configTOMLNeverCrashesHangsOrBalloons() {
        let report = fuzz("config.toml", seeds: Self.tomlSeeds, extra: Self.tomlCrafted, count: 4000, style: .toml,
                          dictionary: ["[keys]", "[", "]", "=", "\"", "'", "\\u", "\\U", "\\", ".", "#", "\n", ",",
                                       "true", "1e5", "app.quit", "\"f2\"", "ctrl+"]) { bytes in
            // As ConfigFile.load reads it, then as the app applies it.
            guard let text = String(data: Data(bytes), encoding: .utf8) else { throw ConfigError(path: "", line: 1, message: "not UTF-8") }
            let config = try ConfigFile(path: "config.toml", text: text)
            var keymap = Keymap()
            try keymap.apply(config)
        }
        #expect(report.slowest < 1.0, "\(report)")
        #expect(report.peakGrowth < fuzzMemoryLimit, "\(report)")
        #expect(report.accepted > 100 && report.rejected > 1000, "\(report)")
    }

    /// A run.json as `duet train` writes it, plus a format-1 encoder-decoder one.
    static let runSeeds: [[UInt8]] = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var a = TrainRunFile(modelDirectory: "/models/m", dataPath: "/data/d.jsonl",
                             data: DataOptions(objective: .prefixlm, encoderDecoder: true, packing: true),
                             training: TrainingConfig(steps: 10), evalBatches: 2, name: "run é", kind: .adapt,
                             runId: 7, databasePath: "/db.sqlite")
        let b = TrainRunFile(modelDirectory: "m", dataPath: "d", data: DataOptions(objective: .sft), training: TrainingConfig(steps: 1),
                             evalBatches: 0, name: nil, kind: .sft, runId: nil, databasePath: "")
        a.format = 1
        return [a, b].map { [UInt8](try! encoder.encode($0)) }
    }()

    @Test func runFileNeverCrashesHangsOrBalloons() {
        let report = fuzz("run.json", seeds: Self.runSeeds, count: 3000, style: .json,
                          dictionary: ["\"format\"", "\"objective\"", "\"clm\"", "\"sft\"", "\"ul2\"", "\"kind\"", "\"steps\"",
                                       "\"runId\"", "9223372036854775807", "-1", "1e309", "null", "[]", "{}"]) { bytes in
            let file = try TrainRunFile.decode(Data(bytes))
            // What resumes must save and load back unchanged (resume then re-save is the normal cycle).
            let dir = TemporaryDirectory()
            try file.save(in: URL(fileURLWithPath: dir.path))
            #expect(try TrainRunFile.load(from: URL(fileURLWithPath: dir.path)) == file)
        }
        #expect(report.slowest < 1.0, "\(report)")
        #expect(report.peakGrowth < fuzzMemoryLimit, "\(report)")
        #expect(report.accepted > 100 && report.rejected > 1000, "\(report)")
    }

    @Test func provenanceNeverCrashesHangsOrBalloons() {
        let seeds = [repositoryFile("assets/models/duet-mini-it/duet_model.json"),
                     Array(#"{"weights":"random","createdBy":"duet init","source":"/m","examples":["a","b\u00e9"]}"#.utf8)]
        let report = fuzz("duet_model.json", seeds: seeds, extra: [Array(String(repeating: "[", count: 100_000).utf8)],
                          count: 3000, style: .json,
                          dictionary: ["\"weights\"", "\"createdBy\"", "\"examples\"", "\"source\"", "null", "[]"]) { bytes in
            // Provenance is advisory: unreadable is nil, never an error or a crash.
            guard ModelProvenance.decode(Data(bytes)) != nil else { throw CocoaError(.fileReadCorruptFile) }
        }
        #expect(report.slowest < 1.0, "\(report)")
        #expect(report.peakGrowth < fuzzMemoryLimit, "\(report)")
        #expect(report.accepted > 100 && report.rejected > 1000, "\(report)")
    }
}
