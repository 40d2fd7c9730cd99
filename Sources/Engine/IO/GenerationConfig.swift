import DuetCore
import Foundation
import Tokenizers

/// A model directory's `generation_config.json`: the stop tokens and default sampling settings the
/// model ships with (Gemma 2 IT: `eos_token_id` [1, 107]). Fields absent from the file are nil.
public struct GenerationConfig: Sendable, Equatable {
    public static let fileName = "generation_config.json"

    public var eosTokenIDs: [TokenID]
    public var bosTokenID: TokenID?
    public var padTokenID: TokenID?
    public var doSample: Bool?
    public var temperature: Float?
    public var topK: Int?
    public var topP: Float?
    public var maxNewTokens: Int?

    public init(eosTokenIDs: [TokenID] = [], bosTokenID: TokenID? = nil, padTokenID: TokenID? = nil,
                doSample: Bool? = nil, temperature: Float? = nil, topK: Int? = nil, topP: Float? = nil,
                maxNewTokens: Int? = nil) {
        self.eosTokenIDs = eosTokenIDs
        self.bosTokenID = bosTokenID
        self.padTokenID = padTokenID
        self.doSample = doSample
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.maxNewTokens = maxNewTokens
    }

    /// Reads `directory/generation_config.json`; nil when the file is absent.
    public static func load(directory: URL) throws -> GenerationConfig? {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try parse(try readWholeFile(url), file: url.path)
    }

    /// Parses generation_config.json text; `file` names it in errors.
    public static func parse(_ data: Data, file: String) throws -> GenerationConfig {
        let json: JSONValue
        do {
            json = try JSONParser.parse(data)
        } catch let e as JSONParseError {
            throw CheckpointError.config(file: file, field: "(root)", reason: "not valid JSON: \(e)")
        }
        let f = try ConfigFields(json, file: file)
        let temperature = try f.float("temperature")
        if let t = temperature, !(t.isFinite && t >= 0) { throw f.error("temperature", "must be >= 0, found \(t)") }
        let topK = try f.int("top_k")
        if let k = topK, k < 0 { throw f.error("top_k", "must be >= 0, found \(k)") }
        let topP = try f.float("top_p")
        if let p = topP, !(p > 0 && p <= 1) { throw f.error("top_p", "must be in (0, 1], found \(p)") }
        let maxNew = try f.int("max_new_tokens")
        if let m = maxNew, m <= 0 { throw f.error("max_new_tokens", "must be positive, found \(m)") }
        return GenerationConfig(
            eosTokenIDs: try f.tokenIDs("eos_token_id") ?? [], bosTokenID: try f.tokenID("bos_token_id"),
            padTokenID: try f.tokenID("pad_token_id"), doSample: try f.bool("do_sample"),
            temperature: temperature, topK: topK, topP: topP, maxNewTokens: maxNew)
    }

    /// generation_config.json text as transformers writes it (keys sorted, indent 2), absent fields omitted.
    public func encode() throws -> Data {
        func number(_ x: Float) -> JSONValue { .double(Double("\(x)")!) }
        var members: [(String, JSONValue)] = []
        if let bosTokenID { members.append(("bos_token_id", .int(Int(bosTokenID)))) }
        if let doSample { members.append(("do_sample", .bool(doSample))) }
        if !eosTokenIDs.isEmpty {
            members.append(("eos_token_id", eosTokenIDs.count == 1 ? .int(Int(eosTokenIDs[0])) : .array(eosTokenIDs.map { .int(Int($0)) })))
        }
        if let maxNewTokens { members.append(("max_new_tokens", .int(maxNewTokens))) }
        if let padTokenID { members.append(("pad_token_id", .int(Int(padTokenID)))) }
        if let temperature {
            guard temperature.isFinite else {
                throw CheckpointError.config(file: Self.fileName, field: "temperature", reason: "must be finite")
            }
            members.append(("temperature", number(temperature)))
        }
        if let topK { members.append(("top_k", .int(topK))) }
        if let topP {
            guard topP.isFinite else { throw CheckpointError.config(file: Self.fileName, field: "top_p", reason: "must be finite") }
            members.append(("top_p", number(topP)))
        }
        return JSONWriter.data(.object(members))
    }
}
