import Engine
import Foundation
import Testing
@testable import DuetCLI

/// `run.json` across formats: runs started before encoder-decoder rows could be packed resume with
/// the one-example-per-row batches they were trained on.
@Suite struct TrainRunFileTests {
    static func runFile(encoderDecoder: Bool, format: Int) -> TrainRunFile {
        var file = TrainRunFile(modelDirectory: "/models/m", dataPath: "/data/d.jsonl",
                                data: DataOptions(objective: .prefixlm, encoderDecoder: encoderDecoder, packing: true),
                                training: TrainingConfig(steps: 10), evalBatches: 2, name: nil, kind: .adapt,
                                runId: nil, databasePath: "/db.sqlite")
        file.format = format
        return file
    }

    @Test func formatOneEncoderDecoderRunsResumeUnpacked() throws {
        let dir = TemporaryDirectory()
        let url = URL(fileURLWithPath: dir.path)
        try Self.runFile(encoderDecoder: true, format: 1).save(in: url)
        let old = try TrainRunFile.load(from: url)
        #expect(!old.data.packing && old.format == 2)

        // Decoder-only runs of format 1 packed already; current encoder-decoder runs pack as they say.
        try Self.runFile(encoderDecoder: false, format: 1).save(in: url)
        #expect(try TrainRunFile.load(from: url).data.packing)
        try Self.runFile(encoderDecoder: true, format: 2).save(in: url)
        #expect(try TrainRunFile.load(from: url).data.packing)
        #expect(TrainRunFile(modelDirectory: "", dataPath: "", data: DataOptions(), training: TrainingConfig(steps: 1),
                             evalBatches: 1, name: nil, kind: .pretrain, runId: nil, databasePath: "").format == 2)
    }
}
