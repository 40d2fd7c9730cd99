/// tokenizer.json `decoder`s, applied token by token to produce bytes (so decoding can stream).
/// ByteFallback turns `<0xXX>` tokens into raw bytes (HF would emit U+FFFD for each byte of an invalid
/// run; the raw bytes are kept here and replaced only when turned into a String). Fuse is implicit:
/// tokens are concatenated. Strip after Fuse strips the start of the whole text.
struct HFDecoder {
    enum Step {
        case replace(pattern: [UInt8], content: [UInt8])
        case byteFallback
        case fuse
        case strip(content: [UInt8], start: Int, stop: Int)
        case metaspace(replacement: [UInt8], prependScheme: HFPreTokenizer.PrependScheme)
        case byteLevel
    }

    let steps: [Step]
    /// With no decoder at all, tokenizers joins the tokens with spaces.
    let joinsWithSpaces: Bool

    init(steps: [Step]) {
        self.steps = steps
        joinsWithSpaces = false
    }

    init(_ node: JSONNode) throws {
        var steps: [Step] = []
        try Self.flatten(node, into: &steps)
        self.steps = steps
        joinsWithSpaces = node.isNull
    }

    private static func flatten(_ node: JSONNode, into steps: inout [Step]) throws {
        if node.isNull { return }
        let type = try node["type"].string()
        switch type {
        case "Sequence":
            for child in try node["decoders"].array() { try flatten(child, into: &steps) }
        case "Replace":
            steps.append(.replace(pattern: Array(try HFNormalizer.stringPattern(node["pattern"]).utf8),
                                  content: Array(try node["content"].string().utf8)))
        case "ByteFallback": steps.append(.byteFallback)
        case "Fuse": steps.append(.fuse)
        case "Strip":
            steps.append(.strip(content: Array(try node["content"].string().utf8), start: try node["start"].optionalInt() ?? 0,
                                stop: try node["stop"].optionalInt() ?? 0))
        case "Metaspace":
            let replacement = try node["replacement"].optionalString() ?? "\u{2581}"
            var scheme = HFPreTokenizer.PrependScheme.always
            if let raw = try node["prepend_scheme"].optionalString() {
                guard let parsed = HFPreTokenizer.PrependScheme(rawValue: raw) else {
                    throw TokenizerError.unsupported(file: node.file, field: "\(node.path).prepend_scheme", value: "\"\(raw)\"")
                }
                scheme = parsed
            } else if let add = try node["add_prefix_space"].optionalBool() {
                scheme = add ? .always : .never
            }
            steps.append(.metaspace(replacement: Array(replacement.utf8), prependScheme: scheme))
        case "ByteLevel": steps.append(.byteLevel)
        default:
            throw TokenizerError.unsupported(file: node.file, field: "\(node.path).type", value: "decoder \"\(type)\"")
        }
    }

    /// Appends the bytes of one token's text; `index` counts the tokens that reached the decoder.
    func append(_ token: [UInt8], to bytes: inout [UInt8], state: inout DecodeState) {
        var text = token
        var isRawByte = false
        var fused = false
        for step in steps {
            switch step {
            case let .replace(pattern, content):
                if !isRawByte { text = HFNormalizer.replacing(text, pattern, content) }
            case .byteFallback:
                if !isRawByte, let b = SentencePieceTokenizer.byteValue(of: String(decoding: text, as: UTF8.self)) {
                    text = [b]
                    isRawByte = true
                }
            case .fuse:
                fused = true
            case let .strip(content, start, stop):
                if fused {
                    // After Fuse the whole text is one token: strip its first `start` copies of `content`.
                    if state.leadingStripRemaining < 0 { state.leadingStripRemaining = start }
                    while state.leadingStripRemaining > 0 && !text.isEmpty {
                        if text.starts(with: content) {
                            text.removeFirst(content.count)
                            state.leadingStripRemaining -= 1
                        } else {
                            state.leadingStripRemaining = 0
                        }
                    }
                } else {
                    text = Self.strip(text, content, start: start, stop: stop)
                }
            case let .metaspace(replacement, scheme):
                if !isRawByte {
                    // tokenizers drops every replacement character of the first token when prepending.
                    let first = state.decodedTokens == 0 && scheme != .never
                    text = HFNormalizer.replacing(text, replacement, first ? [] : [0x20])
                }
            case .byteLevel:
                if !isRawByte {
                    text = ByteLevelMapping.decode(text)
                    isRawByte = true
                }
            }
        }
        if joinsWithSpaces && state.decodedTokens > 0 {
            bytes.append(0x20)
            state.producedBytes += 1
        }
        bytes += text
        state.decodedTokens += 1
        state.producedBytes += text.count
    }

    /// Strips up to `start` leading and `stop` trailing copies of `content` from one token.
    static func strip(_ text: [UInt8], _ content: [UInt8], start: Int, stop: Int) -> [UInt8] {
        var slice = text[...]
        var k = 0
        while k < start && slice.starts(with: content) { slice.removeFirst(content.count); k += 1 }
        k = 0
        while k < stop && slice.count >= content.count && Array(slice.suffix(content.count)) == content {
            slice.removeLast(content.count)
            k += 1
        }
        return Array(slice)
    }
}
