import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files behind a training data path: one file, or every .txt/.md/.jsonl file under a directory
/// (recursively, hidden entries skipped, in path order), with the size and modification time that
/// decide whether a token cache is still current.
struct DataSource {
    enum Format: Equatable {
        /// Plain text; documents are separated by lines holding only `<|endoftext|>`.
        case text
        /// One JSON object per line.
        case jsonl
    }

    struct File: Equatable {
        let url: URL
        /// Path relative to the data root ("" for a single-file source), part of the cache key.
        let relativePath: String
        let format: Format
        let size: Int
        let modified: Int64   // nanoseconds since 1970
    }

    let root: URL
    let isDirectory: Bool
    let files: [File]

    init(path: URL) throws {
        root = path.standardizedFileURL
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir) else {
            throw DataError.unreadable(path: root.path, reason: "no such file or directory")
        }
        isDirectory = isDir.boolValue
        if !isDirectory {
            let format: Format = root.pathExtension.lowercased() == "jsonl" ? .jsonl : .text
            files = [try Self.file(root, relativePath: "", format: format)]
            return
        }
        var found: [File] = []
        try Self.walk(root, relative: "", into: &found)
        files = found.sorted { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
        guard !files.isEmpty else {
            throw DataError.noDocuments(path: root.path, reason: "the directory has no .txt, .md or .jsonl files")
        }
    }

    /// Where the token cache for `key` lives: beside the data, named after it
    /// (`corpus.jsonl` -> `corpus.jsonl.duet-tokens-<key>.bin`, `dir/` -> `dir.duet-tokens-<key>.bin`).
    func cacheURL(key: String) -> URL {
        root.deletingLastPathComponent().appendingPathComponent(root.lastPathComponent + ".duet-tokens-" + key + ".bin")
    }

    /// Names, sizes and modification times of every file.
    func combine(into hasher: inout StableHasher) {
        hasher.combine(isDirectory)
        hasher.combine(files.count)
        for f in files {
            hasher.combine(f.relativePath)
            hasher.combine(f.format == .jsonl)
            hasher.combine(f.size)
            hasher.combine(Int(f.modified))
        }
    }

    private static func walk(_ directory: URL, relative: String, into found: inout [File]) throws {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw DataError.unreadable(path: directory.path, reason: error.localizedDescription)
        }
        for name in names where !name.hasPrefix(".") {
            let url = directory.appendingPathComponent(name)
            let rel = relative.isEmpty ? name : relative + "/" + name
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { continue }
            if isDir.boolValue {
                try walk(url, relative: rel, into: &found)
                continue
            }
            switch url.pathExtension.lowercased() {
            case "txt", "md": found.append(try file(url, relativePath: rel, format: .text))
            case "jsonl": found.append(try file(url, relativePath: rel, format: .jsonl))
            default: continue
            }
        }
    }

    private static func file(_ url: URL, relativePath: String, format: Format) throws -> File {
        var st = stat()
        guard stat(url.path, &st) == 0 else {
            throw DataError.unreadable(path: url.path, reason: String(cString: strerror(errno)))
        }
        #if canImport(Darwin)
        let modified = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
        #else
        let modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        #endif
        return File(url: url, relativePath: relativePath, format: format, size: Int(st.st_size), modified: modified)
    }

    /// The whole file's bytes.
    static func read(_ file: File) throws -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: file.url))
        } catch {
            throw DataError.unreadable(path: file.url.path, reason: error.localizedDescription)
        }
    }
}
