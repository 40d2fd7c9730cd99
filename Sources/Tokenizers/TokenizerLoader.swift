import Foundation

/// Finds and loads the tokenizer of a model directory.
public enum TokenizerLoader {
    /// Loads `tokenizer.json` if present, else `tokenizer.model`, with `tokenizer_config.json` (if
    /// present) supplying add_bos_token / add_eos_token and the special tokens. Returns nil when the
    /// directory has no tokenizer.
    public static func load(directory: URL) throws -> (any Tokenizer)? {
        let config = try loadConfig(directory: directory)
        let json = directory.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: json.path) {
            return try HFTokenizer(contentsOf: json, config: config)
        }
        let model = directory.appendingPathComponent("tokenizer.model")
        if FileManager.default.fileExists(atPath: model.path) {
            return try SentencePieceTokenizer(contentsOf: model, config: config)
        }
        return nil
    }

    /// Loads one tokenizer file: a `.json` file as tokenizer.json, anything else as a SentencePiece
    /// model; a directory as `load(directory:)`. A tokenizer_config.json beside the file is honoured.
    public static func load(file: URL) throws -> any Tokenizer {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory) else {
            throw TokenizerError.unreadable(file: file.path, reason: "no such file")
        }
        if isDirectory.boolValue {
            guard let tokenizer = try load(directory: file) else {
                throw TokenizerError.missingField(file: file.path, field: "tokenizer.json or tokenizer.model")
            }
            return tokenizer
        }
        let config = try loadConfig(directory: file.deletingLastPathComponent())
        if file.pathExtension.lowercased() == "json" {
            return try HFTokenizer(contentsOf: file, config: config)
        }
        return try SentencePieceTokenizer(contentsOf: file, config: config)
    }

    /// tokenizer_config.json of `directory`, if it has one.
    public static func loadConfig(directory: URL) throws -> TokenizerConfig? {
        let url = directory.appendingPathComponent("tokenizer_config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try TokenizerConfig(contentsOf: url)
    }
}
