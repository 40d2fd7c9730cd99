import Foundation
@testable import Tokenizers

/// The committed tokenizer fixtures (tools/golden/make_tokenizer_goldens.py).
enum TokenizerFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tokenizers")
    static let gemmaLike = root.appendingPathComponent("gemma-like")
    static let duetTrained = root.appendingPathComponent("duet-trained")

    struct Case: Decodable {
        var name: String
        var text: String
        var bytes_b64: String?
        var spm_ids: [TokenID]?
        var spm_ids_from_bytes: [TokenID]?
        var hf_ids: [TokenID]?
        var hf_ids_special: [TokenID]?
        var spm_decoded: String?
        var hf_decoded: String?

        /// The raw input bytes (differ from `text` only for the invalid-UTF-8 cases).
        var bytes: [UInt8] { bytes_b64.map { [UInt8](Data(base64Encoded: $0)!) } ?? Array(text.utf8) }
    }

    struct DecodeCase: Decodable {
        var ids: [TokenID]
        var spm_decoded: String
        var hf_decoded: String
        var hf_decoded_with_special: String
    }

    struct ChatCase: Decodable {
        var messages: [ChatMessage]
        var add_generation_prompt: Bool
        var rendered: String
        var hf_ids: [TokenID]
        var spm_ids: [TokenID]
    }

    struct Goldens: Decodable {
        var cases: [Case]
        var decode_cases: [DecodeCase]?
        var chat_cases: [ChatCase]?
    }

    static func goldens(_ directory: URL) throws -> Goldens {
        try JSONDecoder().decode(Goldens.self, from: Data(contentsOf: directory.appendingPathComponent("goldens.json")))
    }

    static let sentencePiece: SentencePieceTokenizer = {
        try! SentencePieceTokenizer(contentsOf: gemmaLike.appendingPathComponent("tokenizer.model"))
    }()
}
