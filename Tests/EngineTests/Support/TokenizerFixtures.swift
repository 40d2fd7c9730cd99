import Foundation
import Tokenizers

/// The committed gemma-like tokenizer (tools/golden/make_tokenizer_goldens.py) the training tests encode
/// with. (Its goldens, and the tokenizer tests, are in TokenizersTests.)
enum TokenizerFixtures {
    static let gemmaLike = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tokenizers/gemma-like")

    static let sentencePiece: SentencePieceTokenizer = {
        try! SentencePieceTokenizer(contentsOf: gemmaLike.appendingPathComponent("tokenizer.model"))
    }()
}
