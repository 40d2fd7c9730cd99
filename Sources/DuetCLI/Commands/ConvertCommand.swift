import ArgumentParser
import Engine
import Foundation

/// `duet convert IN_DIR OUT_DIR [--dtype f32|bf16|f16|int8] [--layout panels|row-major] [--max-shard-mb N]`:
/// rewrites a checkpoint in Hugging Face layout (converted and/or re-sharded weights, config.json declaring
/// the new dtype, generation config and tokenizer files copied), loadable by transformers (int8 and bf16
/// panels: by Duet only).
package struct ConvertCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a model directory to another dtype and/or shard size, in Hugging Face layout.")

    package init() {}

    @Argument(help: "The model directory to read.")
    var input: String

    @Argument(help: "The directory to write (created if needed; existing weight files in it are replaced).")
    var output: String

    @Option(name: .long, help: "Weight dtype: f32, bf16, f16, or int8 (blockwise, for inference; docs/int8.md) (default: keep each tensor's dtype).")
    var dtype: String?

    @Option(name: .long, help: "Store bf16 matrices 'panels' (packed for Duet's inference kernels, mapped ready to use at load; not readable by transformers; docs/bf16-panels.md) or 'row-major' (the Hugging Face layout) (default: keep each tensor's layout).")
    var layout: String?

    @Option(name: .long, help: "Largest shard in MiB (fractions allowed); more weights go into numbered shards plus an index.")
    var maxShardMb: Double = 4096

    @Flag(name: .long, help: "Write config.json in the current transformers layout instead of patching the original's dtype.")
    var normalizeConfig = false

    @OptionGroup var global: GlobalOptions

    package func validate() throws {
        if let dtype, DType(name: dtype) == nil {
            throw ValidationError("--dtype must be f32, bf16, f16 or int8, not '\(dtype)'")
        }
        if let layout, Self.layouts[layout] == nil {
            throw ValidationError("--layout must be panels or row-major, not '\(layout)'")
        }
        if layout == "panels", let dtype, DType(name: dtype) != .bf16 {
            throw ValidationError("--layout panels stores bf16 matrices; use it with --dtype bf16, not \(dtype)")
        }
        guard maxShardMb.isFinite, maxShardMb * 1_048_576 >= 1 else {
            throw ValidationError("--max-shard-mb must be positive")
        }
    }

    package func run() throws {
        global.apply()
        let target = dtype.flatMap { DType(name: $0) }
        let start = Date()
        let report = try CheckpointConverter.convert(
            from: URL(fileURLWithPath: input), to: URL(fileURLWithPath: output), dtype: target,
            layout: layout.flatMap { Self.layouts[$0] }, maxShardBytes: Int(maxShardMb * 1_048_576), normalizeConfig: normalizeConfig)
        let total = report.weightFiles.reduce(0) { $0 + $1.bytes }
        let what = target == .i8 ? "int8 matrices with their block scales" : target?.rawValue ?? "dtypes kept"
        let packed = report.packedTensors > 0 ? ", \(report.packedTensors) bf16 matrices packed in panels" : ""
        print("wrote \(report.tensors) tensors (\(what)\(packed)) to \(output) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        for f in report.weightFiles { print("  \(f.url.lastPathComponent)  \(ModelSummary.bytes(f.bytes))") }
        if report.weightFiles.count > 1 { print("  \(report.weightFiles.count) shards, \(ModelSummary.bytes(total)) in total") }
        let declared = target == .i8 ? "quantization_config duet-q8; compute dtype unchanged" : target.map { "dtype \($0.torchName)" }
        print("  config.json" + (declared.map { " (\($0))" } ?? ""))
        for name in report.copiedFiles { print("  \(name) (copied)") }
    }

    /// The layouts `--layout` names.
    static let layouts: [String: TensorLayout] = ["panels": .bf16Panels, "row-major": .rowMajor]
}
