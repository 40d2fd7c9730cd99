import Foundation
import Tokenizers

/// What identifies a tokenizer for the token cache: the bytes of the files it was read from (with
/// the tokenizer_config.json beside them) when known, and always its observable behaviour: special
/// ids, every piece, which ids are special, and the encoding of a probe text. Any change that could
/// change token ids changes the fingerprint.
enum TokenizerFingerprint {
    static func combine(_ tokenizer: any Tokenizer, into hasher: inout StableHasher) throws {
        hasher.combine(tokenizer.vocabularySize)
        hasher.combine(Int(tokenizer.bosID))
        hasher.combine(Int(tokenizer.eosID))
        hasher.combine(Int(tokenizer.padID))
        for file in sourceFiles(of: tokenizer) {
            hasher.combine(file.lastPathComponent)
            let data: Data
            do { data = try Data(contentsOf: file, options: .alwaysMapped) } catch {
                throw DataError.unreadable(path: file.path, reason: error.localizedDescription)
            }
            data.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
        for id in 0..<tokenizer.vocabularySize {
            hasher.combine(tokenizer.piece(for: TokenID(id)) ?? "\u{0}<none>")
            hasher.combine(tokenizer.isSpecial(TokenID(id)))
        }
        for probe in probes {
            for addBOS in [false, true] {
                for id in tokenizer.encode(probe, addBOS: addBOS) { hasher.combine(Int(id)) }
                hasher.combine(-1)
            }
        }
    }

    /// Texts that exercise normalisation, whitespace, digits, byte fallback and special tokens.
    static let probes = [
        "Hello, world!  The quick brown fox — jumps over 1234567 lazy dogs.\n\n\tIndented\r\nline",
        "  leading and trailing spaces  ",
        "Ünïcödé: 日本語のテキスト, emoji 🦊, Ωμέγα, مرحبا",
        "<start_of_turn>user\nhi<end_of_turn>\n<bos><eos><pad>",
    ]

    /// The files a tokenizer read, when it was read from files.
    static func sourceFiles(of tokenizer: any Tokenizer) -> [URL] {
        let source: String
        if let hf = tokenizer as? HFTokenizer {
            source = hf.source
        } else if let sp = tokenizer as? SentencePieceTokenizer {
            source = sp.source
        } else {
            return []
        }
        let fm = FileManager.default
        guard fm.fileExists(atPath: source) else { return [] }
        let file = URL(fileURLWithPath: source)
        let config = file.deletingLastPathComponent().appendingPathComponent("tokenizer_config.json")
        return fm.fileExists(atPath: config.path) ? [file, config] : [file]
    }
}
