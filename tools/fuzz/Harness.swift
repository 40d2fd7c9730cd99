// libFuzzer entry point for Duet's file parsers (see tools/fuzz/README.md). Not part of the package:
// tools/fuzz/run.sh builds Engine with coverage instrumentation into its own scratch path and compiles
// this file (plus Sources/TUI/App/ConfigFile.swift for config.toml) with `swiftc -sanitize=fuzzer`.
// The format is chosen at run time by DUET_FUZZ_FORMAT, so one binary serves every harness.
import Foundation
@testable import Engine

enum Format: String, CaseIterable {
    case safetensors, npy, config, generation, spm, tokenizerJSON = "tokenizer-json", tokenizerConfig = "tokenizer-config"
    case jsonl, eval, toml
}

let format: Format = {
    let name = ProcessInfo.processInfo.environment["DUET_FUZZ_FORMAT"] ?? ""
    guard let f = Format(rawValue: name) else {
        FileHandle.standardError.write(Data("DUET_FUZZ_FORMAT must be one of \(Format.allCases.map(\.rawValue))\n".utf8))
        exit(2)
    }
    return f
}()

/// A tokenizer that loads is used once, as in the tests (TokenizerFuzzTests.exercise).
func exercise(_ tokenizer: any Tokenizer) {
    let ids = tokenizer.encode("Hello, wörld!  123\n<bos>\u{2581}é漢 <0x41>", addBOS: true)
    _ = tokenizer.decode(ids)
    _ = tokenizer.decode([-1, Int32.max, TokenID(truncatingIfNeeded: tokenizer.vocabularySize)])
}

func parse(_ bytes: [UInt8]) throws {
    let data = Data(bytes)
    switch format {
    case .safetensors:
        // The whole input is the file: 8-byte little-endian header length, JSON header, data.
        let parsed = try bytes.withUnsafeBytes { try SafeTensorsHeader.parse($0, fileSize: bytes.count, file: "fuzz") }
        for e in parsed.entries where e.byteRange.upperBound > bytes.count { fatalError("entry \(e.name) outside the file") }
    case .npy:
        _ = try bytes.withUnsafeBytes { try NPY.read(bytes: $0, file: "fuzz.npy") }
    case .config:
        let config = try ModelConfigFile.parse(data, file: "config.json")
        _ = try ModelConfigFile.parse(try ModelConfigFile.encode(config, dtype: .f32), file: "again.json")
    case .generation:
        let config = try GenerationConfig.parse(data, file: "generation_config.json")
        guard try GenerationConfig.parse(config.encode(), file: "again.json") == config else { fatalError("round trip") }
    case .spm:
        exercise(try SentencePieceTokenizer(data: data, source: "tokenizer.model"))
    case .tokenizerJSON:
        exercise(try HFTokenizer(data: data, source: "tokenizer.json"))
    case .tokenizerConfig:
        _ = try TokenizerConfig(data: data, source: "tokenizer_config.json")
    case .jsonl:
        _ = try? JSONLRecords.records(in: bytes, file: "data.jsonl", conversations: false)
        _ = try JSONLRecords.records(in: bytes, file: "data.jsonl", conversations: true)
    case .eval:
        _ = try EvalItem.items(in: data, file: "eval.jsonl")
    case .toml:
        guard let text = String(data: data, encoding: .utf8) else { return }
        _ = try ConfigFile(path: "config.toml", text: text)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    // A thrown error is a correct answer to a bad file; only crashes, hangs and leaks are findings.
    _ = try? parse(bytes)
    return 0
}
