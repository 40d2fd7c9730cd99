import DuetCore
import Foundation

/// The result of `BPETrainer`: a Gemma-layout tokenizer.json (Replace ' '->U+2581 normalizer, Split(" ",
/// MergedWithPrevious) pre-tokenizer, byte-fallback BPE, `<bos> $A` template, Replace/ByteFallback/Fuse
/// decoder) plus tokenizer_config.json and special_tokens_map.json that transformers' AutoTokenizer
/// loads as a PreTrainedTokenizerFast giving the same ids.
public struct TrainedBPETokenizer: Sendable {
    /// Token strings by id.
    public let tokens: [String]
    /// Merges by rank.
    public let merges: [(String, String)]
    /// Ids 0..<specialTokenCount are special added tokens.
    public let specialTokenCount: Int
    public let unusedTokens: Int
    public let modelMaxLength: Int

    public init(tokens: [String], merges: [(String, String)], specialTokenCount: Int, unusedTokens: Int, modelMaxLength: Int) {
        self.tokens = tokens
        self.merges = merges
        self.specialTokenCount = specialTokenCount
        self.unusedTokens = unusedTokens
        self.modelMaxLength = modelMaxLength
    }

    public var specialTokens: [String] { Array(tokens[0..<specialTokenCount]) }

    /// The tokenizer.json text (deterministic: same training input, same bytes).
    public func tokenizerJSON() -> String {
        var out = "{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [\n"
        out += specialTokens.enumerated().map { id, content in
            "    {\"id\": \(id), \"content\": \(JSONWriter.quoted(content)), \"single_word\": false, \"lstrip\": false, "
                + "\"rstrip\": false, \"normalized\": false, \"special\": true}"
        }.joined(separator: ",\n")
        out += """

          ],
          "normalizer": {"type": "Replace", "pattern": {"String": " "}, "content": "\u{2581}"},
          "pre_tokenizer": {"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithPrevious", "invert": false},
          "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "<bos>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<bos>": {"id": "<bos>", "ids": [2], "tokens": ["<bos>"]}}
          },
          "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "\u{2581}"}, "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"}]},
          "model": {
            "type": "BPE",
            "dropout": null,
            "unk_token": "<unk>",
            "continuing_subword_prefix": null,
            "end_of_word_suffix": null,
            "fuse_unk": true,
            "byte_fallback": true,
            "ignore_merges": false,
            "vocab": {

        """
        out += tokens.enumerated().map { "      \(JSONWriter.quoted($1)): \($0)" }.joined(separator: ",\n")
        out += "\n    },\n    \"merges\": [\n"
        out += merges.map { "      [\(JSONWriter.quoted($0.0)), \(JSONWriter.quoted($0.1))]" }.joined(separator: ",\n")
        out += "\n    ]\n  }\n}\n"
        return out
    }

    private var additionalSpecialTokens: [String] { Array(specialTokens.dropFirst(4)) }

    /// tokenizer_config.json: BOS added, no EOS, Gemma's chat template.
    public func tokenizerConfigJSON() -> String {
        """
        {
          "add_bos_token": true,
          "add_eos_token": false,
          "additional_special_tokens": \(Self.inlineList(additionalSpecialTokens)),
          "bos_token": "<bos>",
          "chat_template": \(JSONWriter.quoted(Self.gemmaChatTemplate)),
          "clean_up_tokenization_spaces": false,
          "eos_token": "<eos>",
          "model_max_length": \(modelMaxLength),
          "pad_token": "<pad>",
          "padding_side": "left",
          "tokenizer_class": "PreTrainedTokenizerFast",
          "unk_token": "<unk>"
        }

        """
    }

    /// special_tokens_map.json.
    public func specialTokensMapJSON() -> String {
        """
        {
          "additional_special_tokens": \(Self.inlineList(additionalSpecialTokens)),
          "bos_token": "<bos>",
          "eos_token": "<eos>",
          "pad_token": "<pad>",
          "unk_token": "<unk>"
        }

        """
    }

    /// Writes tokenizer.json, tokenizer_config.json and special_tokens_map.json into `directory`
    /// (created if needed), each atomically.
    public func write(to directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TokenizerError.unreadable(file: directory.path, reason: "cannot create directory (\(error.localizedDescription))")
        }
        try AtomicFile.write(Data(tokenizerJSON().utf8), to: directory.appendingPathComponent("tokenizer.json"))
        try AtomicFile.write(Data(tokenizerConfigJSON().utf8), to: directory.appendingPathComponent("tokenizer_config.json"))
        try AtomicFile.write(Data(specialTokensMapJSON().utf8), to: directory.appendingPathComponent("special_tokens_map.json"))
    }

    /// The trained tokenizer, ready to encode (parsed from `tokenizerJSON()`, so it is exactly what a
    /// reader of the written files gets).
    public func makeTokenizer() throws -> HFTokenizer {
        try HFTokenizer(data: Data(tokenizerJSON().utf8), source: "trained tokenizer.json",
                        config: TokenizerConfig(addBOSToken: true, addEOSToken: false, bosToken: "<bos>", eosToken: "<eos>",
                                                padToken: "<pad>", unkToken: "<unk>"))
    }

    /// `["a", "b"]`: a list on one line with Python's default separators, as transformers writes
    /// `additional_special_tokens` (``JSONWriter`` writes lists either indented or without spaces).
    private static func inlineList(_ strings: [String]) -> String {
        "[" + strings.map(JSONWriter.quoted).joined(separator: ", ") + "]"
    }

    /// Gemma 2's chat template (tokenizer_config.json `chat_template`).
    public static let gemmaChatTemplate = "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}"
}
