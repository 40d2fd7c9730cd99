import Foundation
import Testing
@testable import Tokenizers

@Suite struct StreamingDetokenizerTests {
    static let tokenizers: [any Tokenizer] = [TokenizerFixtures.sentencePiece, HFTokenizerTests.gemmaLike]

    /// Streams `ids` and returns the chunks (the last one from finish()).
    static func stream(_ ids: [TokenID], _ tokenizer: any Tokenizer) -> [String] {
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        return ids.map { detokenizer.append($0) } + [detokenizer.finish()]
    }

    @Test func concatenationEqualsDecodeOnEveryGolden() throws {
        let goldens = try TokenizerFixtures.goldens(TokenizerFixtures.gemmaLike)
        for tokenizer in Self.tokenizers {
            for c in goldens.cases {
                let ids = tokenizer.encode(c.text, addBOS: true)
                let chunks = Self.stream(ids, tokenizer)
                #expect(chunks.joined() == tokenizer.decode(ids), "\(c.name)")
                // No chunk ends inside a character: none holds U+FFFD unless the full text does.
                if !tokenizer.decode(ids).contains("\u{FFFD}") {
                    #expect(!chunks.contains { $0.contains("\u{FFFD}") }, "\(c.name)")
                }
            }
        }
    }

    @Test func holdsBackSplitEmoji() throws {
        for tokenizer in Self.tokenizers {
            // 🦩 is not in the vocabulary: four byte-fallback pieces.
            let ids = tokenizer.encode("a🦩b", addBOS: false)
            #expect(ids.count == 6)
            #expect(Self.stream(ids, tokenizer) == ["a", "", "", "", "🦩", "b", ""])
        }
    }

    @Test func holdsBackSplitCJKAndFlushesTruncatedCharacters() throws {
        for tokenizer in Self.tokenizers {
            let ids = tokenizer.encode("𪚥", addBOS: false)   // rare CJK ideograph: byte fallback
            #expect(ids.count == 4)
            #expect(Self.stream(ids, tokenizer) == ["", "", "", "𪚥", ""])
            // A truncated character is flushed as U+FFFD by finish(), and the detokenizer starts over.
            var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
            #expect(detokenizer.append(ids[0]) == "" && detokenizer.append(ids[1]) == "")
            #expect(detokenizer.finish() == "\u{FFFD}")
            #expect(detokenizer.append(tokenizer.encode("x", addBOS: false)[0]) == "x")
        }
    }

    @Test func invalidBytesAreNotHeldBack() throws {
        for tokenizer in Self.tokenizers {
            let byte = { (b: UInt8) in tokenizer.id(forPiece: HFBPEModel.bytePiece(b))! }
            var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
            #expect(detokenizer.append(byte(0xFF)) == "\u{FFFD}")
            #expect(detokenizer.append(byte(0xE2)) == "")         // could still become "€"
            #expect(detokenizer.append(byte(0x41)) == "\u{FFFD}A") // ... but did not
        }
    }
}
