import ArgumentParser
import DuetCore
import Engine
import Foundation
import Tokenizers

/// `duet inspect DIR [--json]`: what a model directory holds, read from its config and safetensors
/// headers only (no weights are touched), and whether the weights match the config.
package struct InspectCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a model directory: architecture, sizes, parameter counts, dtypes, files.",
        discussion: "Exits with status 1 when the weights do not match config.json (the problem is printed).")

    package init() {}

    @Argument(help: "A Hugging Face model directory (config.json + model.safetensors or sharded weights).")
    var directory: String

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    @OptionGroup var global: GlobalOptions

    package func run() throws {
        global.apply()
        let url = URL(fileURLWithPath: directory)
        let config = try ModelConfigFile.load(directory: url)
        let reader = try CheckpointReader(directory: url)
        let generation = try GenerationConfig.load(directory: url)
        var problem: String?
        do { try WeightLayout.validate(reader, config: config) } catch { problem = "\(error)" }
        let summary = ModelSummary(directory: url, config: config, reader: reader, generation: generation, problem: problem)
        print(json ? JSONWriter.string(summary.json) : summary.text, terminator: json ? "\n" : "")
        if problem != nil { throw ExitCode(1) }
    }
}

/// Everything `duet inspect` reports, rendered as text or JSON from the same values.
struct ModelSummary {
    let directory: URL
    let config: ModelConfig
    let reader: CheckpointReader
    let generation: GenerationConfig?
    let problem: String?

    var counts: ParameterCounts { ParameterCounts(reader) }

    /// Tensor and parameter count per dtype name, in first-seen order (int8 block scales belong to
    /// their matrices and are not counted as parameters; bf16 matrices stored packed count as "BF16 panels").
    var dtypes: [(name: String, tensors: Int, parameters: Int)] {
        var out: [(name: String, tensors: Int, parameters: Int)] = []
        for name in reader.parameterNames {
            let e = reader.entry(name)!
            let key = e.layout == .bf16Panels ? e.dtypeName + " panels" : e.dtypeName
            if let i = out.firstIndex(where: { $0.name == key }) {
                out[i].tensors += 1
                out[i].parameters += e.count
            } else {
                out.append((key, 1, e.count))
            }
        }
        return out
    }

    var stacks: [(label: String, config: Gemma2Config)] { config.stacks }

    var specialTokens: (bos: TokenID, eos: [TokenID], pad: TokenID) { (config.bosTokenID, config.eosTokenIDs, config.padTokenID) }

    var t5gemma2: T5Gemma2Text? {
        if case let .t5gemma(c) = config { return c.t5gemma2 }
        return nil
    }

    var tied: Bool { config.tieWordEmbeddings }

    // MARK: text

    var text: String {
        var lines: [String] = []
        func add(_ label: String, _ value: String) { lines.append(label.padding(toLength: 16, withPad: " ", startingAt: 0) + value) }
        add("directory", directory.path)
        add("architecture", "\(config.architecture) (model_type \(config.modelType))")
        let c = counts
        var params = "total \(Self.count(c.total)) = "
        if config.isEncoderDecoder { params += "encoder \(Self.count(c.encoder)) + " }
        params += "decoder \(Self.count(c.decoder)) + embeddings \(Self.count(c.embeddings))"
        add("parameters", params)
        add("config dtype", config.torchDtype?.torchName ?? "(not declared)")
        add("tensor dtypes", dtypes.map { "\($0.name) (\($0.tensors) tensors, \(Self.count($0.parameters)) params)" }.joined(separator: ", "))
        add("embeddings", tied ? "tied (LM head = token embedding)" : "untied (separate LM head)")
        for (label, s) in stacks {
            add(label, "layers \(s.numLayers), hidden \(s.hiddenSize), FFN \(s.intermediateSize), vocab \(s.vocabSize)")
            add("", "heads \(s.numHeads), kv heads \(s.numKVHeads), head dim \(s.headDim), query_pre_attn_scalar \(Self.number(s.queryPreAttnScalar))")
            add("", "sliding window \(s.slidingWindow.map(String.init) ?? "none"), layers \(Self.pattern(s.layerTypes))")
            add("", "soft-caps: attention \(s.attnLogitSoftcap.map(Self.number) ?? "none"), final \(s.finalLogitSoftcap.map(Self.number) ?? "none")")
            var extra = "rope theta \(Self.number(s.ropeTheta)), rms eps \(Self.number(s.rmsNormEps)), \(s.hiddenActivation)"
            if let g = s.gemma3 {
                // Gemma 3: a RoPE per layer type, and per-head query/key norms.
                func scaled(_ factor: Float?) -> String { factor.map { " x\(Self.number($0)) linear" } ?? "" }
                extra = "rope theta \(Self.number(s.ropeTheta))\(scaled(g.fullRopeFactor)) (full), "
                    + "\(Self.number(g.slidingRopeTheta))\(scaled(g.slidingRopeFactor)) (sliding); q/k norms; "
                    + "rms eps \(Self.number(s.rmsNormEps)), \(s.hiddenActivation)"
            }
            if let cross = s.crossAttentionHiddenSize { extra += ", cross-attention width \(cross)" }
            add("", extra)
        }
        if let v2 = t5gemma2 {
            let window = stacks[0].config.slidingWindow.map { w -> String in
                let (left, right) = T5Gemma2Text.encoderWindow(w)
                return "encoder window \(w) split around the query (\(left) left incl. itself, \(right - 1) right)"
            }
            add("T5Gemma 2", (["merged decoder attention (own keys then encoder keys, one softmax)", window].compactMap { $0 }
                              + ["eoi token \(v2.eoiTokenIndex) = learned vector"]).joined(separator: "; "))
            let vision = WeightLayout.skippedTensors(reader, config: config)
            add("vision", vision.isEmpty ? "no vision tower stored"
                : "\(vision.count) tensors (\(Self.count(vision.reduce(0) { $0 + reader.entry($1)!.count })) params) not loaded: "
                  + "Duet runs the text part; image inputs are refused")
        }
        let t = specialTokens
        add("special tokens", "bos \(t.bos), eos \(t.eos.map(String.init).joined(separator: ", ")), pad \(t.pad) (from config.json)")
        if let g = generation {
            var parts = ["eos \(g.eosTokenIDs.map(String.init).joined(separator: ", "))"]
            if let v = g.doSample { parts.append("do_sample \(v)") }
            if let v = g.temperature { parts.append("temperature \(Self.number(v))") }
            if let v = g.topK { parts.append("top_k \(v)") }
            if let v = g.topP { parts.append("top_p \(Self.number(v))") }
            if let v = g.maxNewTokens { parts.append("max_new_tokens \(v)") }
            add("generation", parts.joined(separator: ", "))
        }
        let files = reader.fileSizes
        for (i, f) in files.enumerated() {
            add(i == 0 ? "files" : "", "\(f.url.lastPathComponent)  \(Self.bytes(f.bytes))")
        }
        if files.count > 1 { add("", "\(files.count) shards, \(Self.bytes(files.reduce(0) { $0 + $1.bytes })) in total") }
        add("weights", problem.map { "INVALID: \($0)" } ?? "match config.json (\(reader.tensorNames.count) tensors, shapes checked)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `[sliding, full] x 13`, or the layers one letter each when there is no repeating unit.
    static func pattern(_ types: [LayerType]) -> String {
        let names = types.map { $0 == .sliding ? "sliding" : "full" }
        for period in 1...max(1, types.count) where types.count % period == 0 {
            if (0..<types.count).allSatisfy({ types[$0] == types[$0 % period] }) {
                return "[\(names[0..<period].joined(separator: ", "))] x \(types.count / period)"
            }
        }
        return types.map { $0 == .sliding ? "S" : "F" }.joined() + " (S sliding, F full)"
    }

    static func count(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        let scaled: String
        switch n {
        case 1_000_000_000...: scaled = String(format: " (%.2fB)", Double(n) / 1e9)
        case 1_000_000...: scaled = String(format: " (%.2fM)", Double(n) / 1e6)
        default: scaled = ""
        }
        return out + scaled
    }

    static func bytes(_ n: Int) -> String {
        switch n {
        case (1 << 30)...: String(format: "%.2f GiB", Double(n) / Double(1 << 30))
        case (1 << 20)...: String(format: "%.2f MiB", Double(n) / Double(1 << 20))
        case (1 << 10)...: String(format: "%.1f KiB", Double(n) / 1024)
        default: "\(n) bytes"
        }
    }

    static func number(_ x: Float) -> String {
        x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : "\(x)"
    }

    // MARK: JSON

    var json: JSONValue {
        func float(_ x: Float?) -> JSONValue { x.map { .double(Double("\($0)")!) } ?? .null }
        func stack(_ s: Gemma2Config) -> JSONValue {
            .object([
                ("layers", .int(s.numLayers)), ("hidden_size", .int(s.hiddenSize)),
                ("intermediate_size", .int(s.intermediateSize)), ("vocab_size", .int(s.vocabSize)),
                ("num_heads", .int(s.numHeads)), ("num_kv_heads", .int(s.numKVHeads)), ("head_dim", .int(s.headDim)),
                ("query_pre_attn_scalar", float(s.queryPreAttnScalar)),
                ("sliding_window", s.slidingWindow.map { .int($0) } ?? .null),
                ("layer_types", .array(s.layerTypes.map { .string($0.rawValue) })),
                ("attn_logit_softcapping", float(s.attnLogitSoftcap)),
                ("final_logit_softcapping", float(s.finalLogitSoftcap)),
                ("rope_theta", float(s.ropeTheta)), ("rms_norm_eps", float(s.rmsNormEps)),
                ("hidden_activation", .string(s.hiddenActivation)),
                ("cross_attention_hidden_size", s.crossAttentionHiddenSize.map { .int($0) } ?? .null),
            ])
        }
        let c = counts
        let t = specialTokens
        var members: [(String, JSONValue)] = [
            ("directory", .string(directory.path)),
            ("architecture", .string(config.architecture)),
            ("model_type", .string(config.modelType)),
            ("parameters", .object([("encoder", .int(c.encoder)), ("decoder", .int(c.decoder)),
                                    ("embeddings", .int(c.embeddings)), ("total", .int(c.total))])),
            ("config_dtype", config.torchDtype.map { .string($0.torchName) } ?? .null),
            ("dtypes", .object(dtypes.map { ($0.name, .object([("tensors", .int($0.tensors)), ("parameters", .int($0.parameters))])) })),
            ("tie_word_embeddings", .bool(tied)),
        ]
        members += stacks.map { ($0.label, stack($0.config)) }
        if let v2 = t5gemma2 {
            members.append(("t5gemma2", .object([
                ("eoi_token_index", .int(Int(v2.eoiTokenIndex))), ("image_token_index", .int(Int(v2.imageTokenIndex))),
                ("vision_tensors_skipped", .int(WeightLayout.skippedTensors(reader, config: config).count)),
            ])))
        }
        members.append(("special_tokens", .object([
            ("bos", .int(Int(t.bos))), ("eos", .array(t.eos.map { .int(Int($0)) })), ("pad", .int(Int(t.pad))),
        ])))
        if let g = generation {
            members.append(("generation", .object([
                ("eos", .array(g.eosTokenIDs.map { .int(Int($0)) })),
                ("do_sample", g.doSample.map { .bool($0) } ?? .null),
                ("temperature", float(g.temperature)), ("top_k", g.topK.map { .int($0) } ?? .null),
                ("top_p", float(g.topP)), ("max_new_tokens", g.maxNewTokens.map { .int($0) } ?? .null),
            ])))
        }
        members.append(("files", .array(reader.fileSizes.map {
            .object([("name", .string($0.url.lastPathComponent)), ("bytes", .int($0.bytes))])
        })))
        members.append(("tensors", .int(reader.tensorNames.count)))
        members.append(("valid", .bool(problem == nil)))
        members.append(("problem", problem.map { .string($0) } ?? .null))
        return .object(members)
    }
}
