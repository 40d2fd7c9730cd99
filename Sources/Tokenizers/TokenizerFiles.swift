import DuetCore
import Foundation

/// The files that make up a Hugging Face tokenizer, copied alongside models Duet writes.
public enum TokenizerFiles {
    public static let names = ["tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]

    /// Copies every tokenizer file present in `source` into `destination` (replacing older copies);
    /// returns the names copied.
    @discardableResult
    public static func copy(from source: URL, to destination: URL) throws -> [String] {
        let fm = FileManager.default
        var copied: [String] = []
        for name in names {
            let from = source.appendingPathComponent(name)
            guard fm.fileExists(atPath: from.path) else { continue }
            try AtomicFile.write(try Data(contentsOf: from), to: destination.appendingPathComponent(name))
            copied.append(name)
        }
        return copied
    }
}
