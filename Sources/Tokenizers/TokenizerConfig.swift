import Foundation

/// The settings of `tokenizer_config.json` that change token ids: whether BOS/EOS are added, and which
/// tokens are BOS/EOS/PAD/UNK. (transformers 5: an explicit add_bos_token / add_eos_token rebuilds the
/// post-processor as `[bos] $A [eos]`.)
public struct TokenizerConfig: Sendable, Equatable {
    public var addBOSToken: Bool?
    public var addEOSToken: Bool?
    public var bosToken: String?
    public var eosToken: String?
    public var padToken: String?
    public var unkToken: String?
    public var chatTemplate: String?
    public var tokenizerClass: String?

    public init(addBOSToken: Bool? = nil, addEOSToken: Bool? = nil, bosToken: String? = nil, eosToken: String? = nil,
                padToken: String? = nil, unkToken: String? = nil, chatTemplate: String? = nil, tokenizerClass: String? = nil) {
        self.addBOSToken = addBOSToken
        self.addEOSToken = addEOSToken
        self.bosToken = bosToken
        self.eosToken = eosToken
        self.padToken = padToken
        self.unkToken = unkToken
        self.chatTemplate = chatTemplate
        self.tokenizerClass = tokenizerClass
    }

    /// Parses tokenizer_config.json contents; `source` names them in errors.
    public init(data: Data, source: String) throws {
        let root = try JSONNode.parse(data, file: source)
        _ = try root.object()
        addBOSToken = try root["add_bos_token"].optionalBool()
        addEOSToken = try root["add_eos_token"].optionalBool()
        bosToken = try root["bos_token"].tokenContent()
        eosToken = try root["eos_token"].tokenContent()
        padToken = try root["pad_token"].tokenContent()
        unkToken = try root["unk_token"].tokenContent()
        tokenizerClass = try root["tokenizer_class"].optionalString()
        let template = root["chat_template"]
        if template.value is [Any] {
            // [{"name": "default", "template": ...}, ...]
            let named = try template.array()
            chatTemplate = try (named.first { try $0["name"].optionalString() == "default" } ?? named.first)?["template"].string()
        } else {
            chatTemplate = try template.optionalString()
        }
    }

    /// Reads tokenizer_config.json.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        try self.init(data: data, source: url.path)
    }
}
