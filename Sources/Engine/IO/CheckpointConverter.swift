import DuetCore
import Foundation

/// Rewrites a model directory in Hugging Face layout: weights converted to another dtype and/or
/// re-sharded, config.json declaring the new dtype, and every other small file (generation config,
/// tokenizer, chat template, README) copied. One tensor is converted at a time, so converting a
/// 9B checkpoint needs memory for its largest tensor, not for the model.
public enum CheckpointConverter {
    /// What a conversion wrote.
    public struct Report: Sendable {
        public var tensors: Int
        /// Matrices stored packed in panels.
        public var packedTensors: Int
        public var weightFiles: [(url: URL, bytes: Int)]
        /// Files copied unchanged (besides config.json, which is rewritten).
        public var copiedFiles: [String]
    }

    /// Converts the checkpoint in `input` into `output` (created if needed; must not be `input`).
    /// `dtype` nil keeps each tensor's dtype; `.i8` quantizes every matrix whose rows split into
    /// whole blocks (``Q8``: `W` as I8 plus `W_scale` as F32) and keeps the other tensors' dtype. `progress` is called after each tensor with
    /// (tensors done, tensor count). `normalizeConfig` writes config.json from the parsed config in
    /// the current transformers layout (dropping fields Duet does not model) instead of patching
    /// the original's dtype. `layout` `.bf16Panels` stores the model's bf16 matrices packed for inference
    /// (``PanelsMetadata``; loaded ready to use, not by transformers), `.rowMajor` stores everything in
    /// the Hugging Face layout, nil keeps each tensor's layout.
    public static func convert(from input: URL, to output: URL, dtype: DType?, layout: TensorLayout? = nil,
                               maxShardBytes: Int = 4 << 30, normalizeConfig: Bool = false,
                               progress: ((Int, Int) -> Void)? = nil) throws -> Report {
        let config = try ModelConfigFile.load(directory: input)
        let reader = try CheckpointReader(directory: input)
        try WeightLayout.validate(reader, config: config)
        let plan = ConversionPlan(reader: reader, target: dtype, layout: layout,
                                  packable: Set(WeightLayout.expectedShapes(config).map(\.name)))
        if layout == .bf16Panels && !plan.specs.contains(where: { $0.layout == .bf16Panels }) {
            throw CheckpointError.invalidWrite(file: output.path, reason: "no bf16 matrix to store in panels: convert to bf16 as well")
        }
        let fm = FileManager.default
        if fm.fileExists(atPath: output.path),
           input.resolvingSymlinksInPath().standardizedFileURL == output.resolvingSymlinksInPath().standardizedFileURL {
            throw CheckpointError.invalidWrite(file: output.path, reason: "output directory is the input directory")
        }
        try fm.createDirectory(at: output, withIntermediateDirectories: true)

        var done = 0
        try SafeTensorsWriter.writeCheckpoint(plan.specs, to: output, maxShardBytes: maxShardBytes) { spec in
            let (converted, source) = try plan.tensor(for: spec)
            let overflowed = nonFiniteCount(converted) - nonFiniteCount(source)
            if overflowed > 0 {
                throw CheckpointError.invalidWrite(
                    file: output.path,
                    reason: "tensor '\(spec.name)': \(overflowed) value(s) overflow \(spec.dtype.rawValue); choose bf16 or f32")
            }
            done += 1
            progress?(done, plan.specs.count)
            return converted
        }

        let configURL = output.appendingPathComponent(ModelConfigFile.fileName)
        let original = try readWholeFile(input.appendingPathComponent(ModelConfigFile.fileName))
        // int8 stores weights; the config keeps declaring the dtype the model computes in.
        let computeDType = dtype == .i8 ? (config.torchDtype ?? .bf16) : dtype
        let declared = computeDType ?? config.torchDtype ?? reader.info(reader.parameterNames[0])!.dtype
        var rewritten = normalizeConfig ? try ModelConfigFile.encode(config, dtype: declared)
            : try computeDType.map { try declaringDType($0, in: original) } ?? original
        if let dtype { rewritten = try Q8.declaringQuantization(dtype == .i8, in: rewritten) }
        let expected = config.withTorchDtype(normalizeConfig ? declared : computeDType ?? config.torchDtype)
        guard try ModelConfigFile.parse(rewritten, file: configURL.path) == expected else {
            throw CheckpointError.config(file: configURL.path, field: "dtype", reason: "rewritten config differs from the source")
        }
        try AtomicFile.write(rewritten, to: configURL)

        var copied: [String] = []
        for name in try auxiliaryFiles(in: input) {
            try AtomicFile.write(try readWholeFile(input.appendingPathComponent(name)), to: output.appendingPathComponent(name))
            copied.append(name)
        }
        let written = try CheckpointReader(directory: output)
        return Report(tensors: plan.specs.count, packedTensors: plan.specs.filter { $0.layout == .bf16Panels }.count,
                      weightFiles: written.fileSizes, copiedFiles: copied)
    }

    /// The original config.json with its dtype fields (`dtype`, `torch_dtype`, also inside T5Gemma's
    /// sub-configs) set to `dtype`, everything else (order, unknown fields) kept; both fields are
    /// added at the top level when the file has neither.
    static func declaringDType(_ dtype: DType, in data: Data) throws -> Data {
        let name = JSONValue.string(dtype.torchName)
        func patch(_ value: JSONValue, top: Bool) -> JSONValue {
            guard case var .object(members) = value else { return value }
            var found = false
            for k in members.indices {
                switch members[k].0 {
                case "dtype", "torch_dtype":
                    members[k].1 = name
                    found = true
                case "encoder", "decoder", "text_config":
                    members[k].1 = patch(members[k].1, top: false)
                default: break
                }
            }
            if top && !found { members += [("dtype", name), ("torch_dtype", name)] }
            return .object(members)
        }
        return JSONWriter.data(patch(try JSONParser.parse(data), top: true))
    }

    /// Top-level files of `directory` to carry over: everything except config.json, hidden files,
    /// and weights (this checkpoint's, and any other format that would no longer match them).
    static func auxiliaryFiles(in directory: URL) throws -> [String] {
        let weightExtensions = ["safetensors", "bin", "pt", "pth", "ckpt", "gguf", "h5", "msgpack", "npz"]
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return names.sorted().filter { name in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory),
                  !isDirectory.boolValue else { return false }
            if name.hasPrefix(".") || name == ModelConfigFile.fileName || name == CheckpointReader.indexFileName { return false }
            return !weightExtensions.contains((name as NSString).pathExtension.lowercased())
        }
    }

    /// Number of infinities and NaNs (exponent bits all ones), counted on the raw bits (every stored
    /// element: a packed matrix's padding is zeros).
    static func nonFiniteCount(_ t: Tensor) -> Int {
        var n = 0
        let stored = t.dtype == .i8 ? t.count : t.byteCount / t.dtype.byteSize
        switch t.dtype {
        case .f32:
            let p = t.raw.assumingMemoryBound(to: UInt32.self)
            for i in 0..<stored where p[i] & 0x7F80_0000 == 0x7F80_0000 { n += 1 }
        case .bf16:
            let p = t.u16
            for i in 0..<stored where p[i] & 0x7F80 == 0x7F80 { n += 1 }
        case .f16:
            let p = t.u16
            for i in 0..<stored where p[i] & 0x7C00 == 0x7C00 { n += 1 }
        case .i8:
            // A non-finite block scale makes its whole block non-finite.
            n = nonFiniteCount(t.scales!) * Q8.blockSize
        }
        return n
    }
}
