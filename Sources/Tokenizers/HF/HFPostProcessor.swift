/// tokenizer.json `post_processor`s that add special tokens around a single sequence:
/// TemplateProcessing (the `single` template), BertProcessing / RobertaProcessing ([cls] A [sep]),
/// ByteLevel (no effect on ids) and Sequence.
struct HFPostProcessor {
    /// Ids before and after the sequence.
    var prefix: [TokenID]
    var suffix: [TokenID]

    init(prefix: [TokenID] = [], suffix: [TokenID] = []) {
        self.prefix = prefix
        self.suffix = suffix
    }

    init(_ node: JSONNode) throws {
        self.init()
        try add(node)
    }

    private mutating func add(_ node: JSONNode) throws {
        if node.isNull { return }
        let type = try node["type"].string()
        switch type {
        case "TemplateProcessing":
            let specials = try node["special_tokens"].isNull ? [:] : node["special_tokens"].object()
            var before: [TokenID] = [], after: [TokenID] = []
            var sawSequence = false
            for item in try node["single"].array() {
                if !item["Sequence"].isNull {
                    guard try item["Sequence"]["id"].string() == "A" else { throw item.error("single template may only use $A") }
                    sawSequence = true
                } else if !item["SpecialToken"].isNull {
                    let name = try item["SpecialToken"]["id"].string()
                    guard let special = specials[name] else {
                        throw TokenizerError.invalidValue(file: node.file, field: "\(item.path)",
                                                          reason: "special token \"\(name)\" is missing from special_tokens")
                    }
                    let ids = try special["ids"].array().map { try $0.tokenID() }
                    if sawSequence { after += ids } else { before += ids }
                } else {
                    throw item.error("expected Sequence or SpecialToken")
                }
            }
            prefix = before + prefix
            suffix += after
        case "BertProcessing", "RobertaProcessing":
            let cls = try node["cls"].array(), sep = try node["sep"].array()
            guard cls.count == 2, sep.count == 2 else { throw node.error("cls and sep must be [token, id]") }
            prefix = [try cls[1].tokenID()] + prefix
            suffix += [try sep[1].tokenID()]
        case "ByteLevel":
            break
        case "Sequence":
            for child in try node["processors"].array() { try add(child) }
        default:
            throw TokenizerError.unsupported(file: node.file, field: "\(node.path).type", value: "post_processor \"\(type)\"")
        }
    }
}
