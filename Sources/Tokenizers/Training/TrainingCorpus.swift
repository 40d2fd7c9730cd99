import Foundation

/// Reads tokenizer training text: a `.txt` file (its whole content), a `.jsonl` file (the "text" field
/// of each line), or a directory of such files (sorted by path, so runs are reproducible).
public enum TrainingCorpus {
    /// The files `path` stands for.
    public static func files(at path: URL) throws -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw TokenizerError.unreadable(file: path.path, reason: "no such file or directory")
        }
        guard isDirectory.boolValue else { return [path] }
        guard let enumerator = FileManager.default.enumerator(at: path, includingPropertiesForKeys: nil) else {
            throw TokenizerError.unreadable(file: path.path, reason: "cannot list directory")
        }
        let files = enumerator.compactMap { $0 as? URL }
            .filter { ["txt", "jsonl"].contains($0.pathExtension.lowercased()) }
            .sorted { $0.path < $1.path }
        guard !files.isEmpty else { throw TokenizerError.training(reason: "\(path.path) has no .txt or .jsonl files") }
        return files
    }

    /// The texts of one file.
    public static func texts(in file: URL) throws -> [String] {
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw TokenizerError.unreadable(file: file.path, reason: error.localizedDescription)
        }
        return try texts(in: data, file: file.path, jsonl: file.pathExtension.lowercased() == "jsonl")
    }

    /// The texts of a file's bytes: the "text" of each JSONL line when `jsonl`, else the whole text.
    static func texts(in data: Data, file: String, jsonl: Bool) throws -> [String] {
        guard let content = String(data: data, encoding: .utf8) else {
            throw TokenizerError.unreadable(file: file, reason: "not UTF-8 text")
        }
        guard jsonl else { return [content] }
        var texts: [String] = []
        for (number, line) in content.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            if line.allSatisfy(\.isWhitespace) { continue }
            let node = try JSONNode.parse(Data(line.utf8), file: "\(file):\(number + 1)")
            texts.append(try node["text"].string())
        }
        return texts
    }
}
