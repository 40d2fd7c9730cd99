import Foundation
import Testing
@testable import Tokenizers

@Suite struct HFTokenizerTests {
    static let gemmaLike = try! HFTokenizer(contentsOf: TokenizerFixtures.gemmaLike.appendingPathComponent("tokenizer.json"))

    @Test func readsTheGemmaLikeFile() throws {
        let tokenizer = Self.gemmaLike
        #expect(tokenizer.vocabularySize == 3000)
        #expect(tokenizer.bosID == 2 && tokenizer.eosID == 1 && tokenizer.padID == 0)
        #expect(tokenizer.isSpecial(2) && tokenizer.isSpecial(tokenizer.id(forPiece: "<start_of_turn>")!))
        #expect(!tokenizer.isSpecial(tokenizer.id(forPiece: "<unused3>")!))
    }

    @Test func matchesTokenizersOnEveryGolden() throws {
        let tokenizer = Self.gemmaLike
        let goldens = try TokenizerFixtures.goldens(TokenizerFixtures.gemmaLike)
        #expect(goldens.cases.count >= 200)
        for c in goldens.cases {
            #expect(tokenizer.encode(c.text, addBOS: false) == c.hf_ids, "\(c.name)")
            #expect(tokenizer.encode(c.text, addBOS: true) == c.hf_ids_special, "\(c.name) with specials")
            #expect(tokenizer.decode(c.hf_ids!) == c.hf_decoded, "\(c.name) decode")
        }
    }

    @Test func decodesLikeTokenizers() throws {
        let tokenizer = Self.gemmaLike
        for c in try TokenizerFixtures.goldens(TokenizerFixtures.gemmaLike).decode_cases ?? [] {
            let bytes = tokenizer.decodeBytes(c.ids)
            if String(validating: bytes, as: UTF8.self) != nil {
                #expect(tokenizer.decode(c.ids) == c.hf_decoded, "\(c.ids)")
            }
        }
    }

    @Test func heapMergesEqualTheQuadraticReference() throws {
        let goldens = try TokenizerFixtures.goldens(TokenizerFixtures.gemmaLike)
        for c in goldens.cases {
            #expect(Self.gemmaLike.encodeWithQuadraticReference(c.text, addBOS: true) == c.hf_ids_special, "\(c.name)")
        }
        // A few KB as one BPE word (the reference is quadratic, and this is a debug build).
        let long = String(decoding: goldens.cases.map(\.text).joined(separator: " ").utf8.prefix(3000), as: UTF8.self)
        #expect(Self.gemmaLike.encode(long, addBOS: false) == Self.gemmaLike.encodeWithQuadraticReference(long, addBOS: false))
    }

    @Test func bothFormatsAgreeWhereTheLibrariesAgree() throws {
        // The converted tokenizer.json and the original tokenizer.model differ only on literal special
        // token text (special added tokens in tokenizer.json, plain characters for sentencepiece).
        let goldens = try TokenizerFixtures.goldens(TokenizerFixtures.gemmaLike)
        let sp = TokenizerFixtures.sentencePiece
        for c in goldens.cases where c.spm_ids == c.hf_ids {
            #expect(sp.encode(c.text, addBOS: true) == Self.gemmaLike.encode(c.text, addBOS: true), "\(c.name)")
        }
    }
}
