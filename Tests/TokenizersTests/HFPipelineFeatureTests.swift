import Foundation
import Testing
@testable import Tokenizers

/// tokenizer.json pipelines beyond Gemma's (tools/golden/make_tokenizer_goldens.py, "features"):
/// byte-level BPE with lstrip/rstrip/single_word added tokens, Metaspace + Digits with NFKC/Lowercase,
/// legacy Llama (Prepend/Replace, Strip decoder, "a b" merges), and ##-prefixed / </w>-suffixed
/// word-split BPE with unfused unknowns.
@Suite struct HFPipelineFeatureTests {
    static let directory = TokenizerFixtures.root.appendingPathComponent("features")

    @Test(arguments: ["bytelevel", "metaspace", "legacy-llama", "wordsplit"])
    func matchesTokenizers(_ name: String) throws {
        let tokenizer = try HFTokenizer(contentsOf: Self.directory.appendingPathComponent("\(name).json"))
        let goldens = try JSONDecoder().decode(TokenizerFixtures.Goldens.self,
                                               from: Data(contentsOf: Self.directory.appendingPathComponent("\(name).goldens.json")))
        #expect(goldens.cases.count >= 80)
        for c in goldens.cases {
            #expect(tokenizer.encode(c.text, addBOS: false) == c.hf_ids, "\(name): \(c.name)")
            #expect(tokenizer.encode(c.text, addBOS: true) == c.hf_ids_special, "\(name): \(c.name) with specials")
            #expect(tokenizer.decode(c.hf_ids!) == c.hf_decoded, "\(name): \(c.name) decode")
            var streamed = StreamingDetokenizer(tokenizer: tokenizer)
            #expect(c.hf_ids!.map { streamed.append($0) }.joined() + streamed.finish() == tokenizer.decode(c.hf_ids!), "\(name): \(c.name) stream")
        }
    }
}

/// SentencePiece models with the NormalizerSpec flags Gemma leaves off (add_dummy_prefix,
/// remove_extra_whitespaces, escape_whitespaces = false, treat_whitespace_as_suffix) and with UNUSED
/// pieces that sentencepiece merges through and splits back.
@Suite struct SentencePieceFlagTests {
    @Test(arguments: ["spm-dummy-prefix", "spm-no-escape", "spm-unused", "spm-suffix"])
    func matchesSentencepiece(_ name: String) throws {
        let directory = HFPipelineFeatureTests.directory
        let tokenizer = try SentencePieceTokenizer(contentsOf: directory.appendingPathComponent("\(name).model"))
        let goldens = try JSONDecoder().decode(TokenizerFixtures.Goldens.self,
                                               from: Data(contentsOf: directory.appendingPathComponent("\(name).goldens.json")))
        #expect(goldens.cases.count >= 80)
        for c in goldens.cases {
            #expect(tokenizer.encode(c.text, addBOS: false) == c.spm_ids, "\(name): \(c.name)")
            #expect(tokenizer.decode(c.spm_ids!) == c.spm_decoded, "\(name): \(c.name) decode")
        }
    }
}
