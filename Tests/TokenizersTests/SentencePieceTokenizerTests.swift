import Foundation
import Testing
@testable import Tokenizers

@Suite struct SentencePieceTokenizerTests {
    let tokenizer = TokenizerFixtures.sentencePiece

    @Test func readsTheModelProto() throws {
        #expect(tokenizer.vocabularySize == 3000)
        #expect(tokenizer.padID == 0 && tokenizer.eosID == 1 && tokenizer.bosID == 2 && tokenizer.unknownID == 3)
        #expect(tokenizer.piece(for: 2) == "<bos>")
        #expect(tokenizer.id(forPiece: "<start_of_turn>") != nil)
        #expect(tokenizer.isSpecial(2) && !tokenizer.isSpecial(tokenizer.id(forPiece: "<start_of_turn>")!))
        #expect(tokenizer.id(forPiece: "<0x41>") != nil)
    }

    @Test func matchesSentencepieceOnEveryGolden() throws {
        let goldens = try TokenizerFixtures.goldens(TokenizerFixtures.gemmaLike)
        #expect(goldens.cases.count >= 200)
        for c in goldens.cases {
            #expect(tokenizer.encode(c.text, addBOS: false) == c.spm_ids, "\(c.name)")
            #expect(tokenizer.encode(c.text, addBOS: true) == [tokenizer.bosID] + c.spm_ids!, "\(c.name)")
            if let fromBytes = c.spm_ids_from_bytes {
                #expect(tokenizer.encode(utf8Bytes: c.bytes, addBOS: false) == fromBytes, "\(c.name) raw bytes")
            } else {
                #expect(tokenizer.encode(utf8Bytes: c.bytes, addBOS: false) == c.spm_ids, "\(c.name) bytes")
            }
            #expect(tokenizer.decode(c.spm_ids!) == c.spm_decoded, "\(c.name) decode")
        }
    }

    @Test func decodeRoundTripsText() throws {
        let goldens = try TokenizerFixtures.goldens(TokenizerFixtures.gemmaLike)
        for c in goldens.cases {
            // Literal control-piece text is encoded as characters, so it survives too; only a literal
            // U+2581 comes back as the space it stands for (as in sentencepiece).
            let expected = c.text.replacingOccurrences(of: "\u{2581}", with: " ")
            #expect(tokenizer.decode(tokenizer.encode(c.text, addBOS: true)) == expected, "\(c.name)")
        }
    }

    @Test func decodesLikeSentencepiece() throws {
        let goldens = try TokenizerFixtures.goldens(TokenizerFixtures.gemmaLike)
        for c in goldens.decode_cases ?? [] {
            let bytes = tokenizer.decodeBytes(c.ids)
            if String(validating: bytes, as: UTF8.self) != nil {
                #expect(tokenizer.decode(c.ids) == c.spm_decoded, "\(c.ids)")
            } else {
                // sentencepiece replaces each invalid byte; the raw bytes are the pieces' bytes.
                let expected = c.ids.flatMap { id -> [UInt8] in
                    let piece = tokenizer.piece(for: id)!
                    return SentencePieceTokenizer.byteValue(of: piece).map { [$0] } ?? []
                }
                #expect(bytes == expected, "\(c.ids)")
            }
        }
    }
}
