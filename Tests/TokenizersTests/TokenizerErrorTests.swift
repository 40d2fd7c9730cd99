import Foundation
import Testing
@testable import Tokenizers

@Suite struct TokenizerErrorTests {
    func sentencePieceError(_ bytes: [UInt8]) -> TokenizerError? {
        do {
            _ = try SentencePieceTokenizer(data: Data(bytes), source: "bad.model")
            return nil
        } catch { return error as? TokenizerError }
    }

    func hfError(_ json: String) -> TokenizerError? {
        do {
            _ = try HFTokenizer(data: Data(json.utf8), source: "bad.json")
            return nil
        } catch { return error as? TokenizerError }
    }

    @Test func truncatedVarint() throws {
        // Field 1 (pieces), length-delimited, then a length varint that never ends.
        let error = try #require(sentencePieceError([0x0A, 0xFF]))
        guard case let .malformedProtobuf(file, offset, _, reason) = error else { Issue.record("\(error)"); return }
        #expect(file == "bad.model" && offset == 1 && reason == "truncated varint")
        #expect(error.description.contains("bad.model") && error.description.contains("byte 1"))
    }

    @Test func wrongWireType() throws {
        // Field 1 (pieces) written as a varint.
        let error = try #require(sentencePieceError([0x08, 0x01]))
        guard case let .malformedProtobuf(_, offset, field, reason) = error else { Issue.record("\(error)"); return }
        #expect(offset == 0 && field.contains("pieces") && reason.contains("wrong wire type 0"))
        // A piece whose score is a varint instead of a float.
        let piece: [UInt8] = [0x0A, 0x01, 0x61, 0x10, 0x01]
        let nested = try #require(sentencePieceError([0x0A, UInt8(piece.count)] + piece))
        #expect(nested.description.contains("ModelProto.pieces[0].score") && nested.description.contains("expected 5"))
    }

    @Test func truncatedModelFile() throws {
        let data = try Data(contentsOf: TokenizerFixtures.gemmaLike.appendingPathComponent("tokenizer.model"))
        let error = try #require(sentencePieceError([UInt8](data.prefix(data.count / 2))))
        guard case .malformedProtobuf = error else { Issue.record("\(error)"); return }
        #expect(error.description.contains("runs past the end") || error.description.contains("truncated"))
    }

    @Test func modelWithoutPiecesOrTrainerSpec() throws {
        #expect(sentencePieceError([]) == .missingField(file: "bad.model", field: "ModelProto.pieces (no vocabulary)"))
        // One piece, no trainer_spec.
        #expect(sentencePieceError([0x0A, 0x03, 0x0A, 0x01, 0x61]) == .missingField(file: "bad.model", field: "ModelProto.trainer_spec"))
    }

    @Test func unigramModelIsUnsupported() throws {
        // One UNKNOWN piece and trainer_spec { model_type: UNIGRAM }.
        let piece: [UInt8] = [0x0A, 0x05] + Array("<unk>".utf8) + [0x18, 0x02]
        let error = try #require(sentencePieceError([0x0A, UInt8(piece.count)] + piece + [0x12, 0x02, 0x18, 0x01]))
        guard case let .unsupported(_, field, value) = error else { Issue.record("\(error)"); return }
        #expect(field == "TrainerSpec.model_type" && value.contains("UNIGRAM"))
    }

    @Test func missingModelInTokenizerJSON() {
        #expect(hfError(#"{"version": "1.0", "added_tokens": []}"#) == .missingField(file: "bad.json", field: "model"))
    }

    @Test func malformedTokenizerJSON() {
        guard case let .malformedJSON(file, path, _)? = hfError(#"{"model": {"type": "BPE", "vocab": {"a": 0"#) else {
            Issue.record("expected malformedJSON"); return
        }
        #expect(file == "bad.json" && path == "$")
        guard case let .malformedJSON(_, path2, reason)? = hfError(#"{"model": {"type": "BPE", "vocab": {"a": "zero"}}}"#) else {
            Issue.record("expected malformedJSON"); return
        }
        #expect(path2 == "$.model.vocab.a" && reason.contains("integer"))
    }

    @Test func badMergesNameTheirIndex() {
        let error = hfError(#"{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b", "a c"]}}"#)
        #expect(error == .malformedJSON(file: "bad.json", path: "$.model.merges[1]", reason: "merge token \"c\" is not in the vocabulary"))
        let missingMerged = hfError(#"{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": [["a", "b"]]}}"#)
        #expect(missingMerged?.description.contains("merged token \"ab\"") == true)
    }

    @Test func unsupportedComponentsAreNamed() {
        let error = hfError(#"{"model": {"type": "WordPiece", "vocab": {}}}"#)
        #expect(error == .unsupported(file: "bad.json", field: "$.model.type", value: "\"WordPiece\"; only BPE is implemented"))
        let regex = hfError(#"{"model": {"type": "BPE", "vocab": {}}, "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "\\s+"}, "behavior": "Isolated"}}"#)
        guard case let .unsupported(_, field, _)? = regex else { Issue.record("expected unsupported"); return }
        #expect(field == "$.pre_tokenizer.pattern")
    }

    @Test func loaderReportsMissingTokenizer() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("duet-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(try TokenizerLoader.load(directory: empty) == nil)
        #expect(throws: TokenizerError.self) { try TokenizerLoader.load(file: empty.appendingPathComponent("nope.json")) }
    }

    @Test func loaderPrefersTokenizerJSONAndReadsTheConfig() throws {
        let tokenizer = try #require(try TokenizerLoader.load(directory: TokenizerFixtures.gemmaLike))
        #expect(tokenizer is HFTokenizer)
        #expect(tokenizer.encode("hi", addBOS: true).first == 2)
        // Without tokenizer.json the SentencePiece model is used; add_bos_token false is honoured.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("duet-spm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: TokenizerFixtures.gemmaLike.appendingPathComponent("tokenizer.model"),
                                         to: dir.appendingPathComponent("tokenizer.model"))
        try Data(#"{"add_bos_token": false, "add_eos_token": true, "eos_token": {"content": "<eos>"}}"#.utf8)
            .write(to: dir.appendingPathComponent("tokenizer_config.json"))
        let sp = try #require(try TokenizerLoader.load(directory: dir))
        #expect(sp is SentencePieceTokenizer)
        #expect(sp.encode("hi", addBOS: true) == sp.encode("hi", addBOS: false) + [1])
        // The same config rebuilds tokenizer.json's post-processor as transformers 5 does.
        let json = try Data(contentsOf: TokenizerFixtures.gemmaLike.appendingPathComponent("tokenizer.json"))
        let hf = try HFTokenizer(data: json, source: "t.json",
                                 config: TokenizerConfig(addBOSToken: false, addEOSToken: true, eosToken: "<eos>"))
        #expect(hf.encode("hi", addBOS: true) == hf.encode("hi", addBOS: false) + [1])
    }
}
