import DuetCore
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
        var visited: Set<String> = []
        try Self.walk(root, relative: "", into: &found, visited: &visited)
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

    /// Deletes caches of this data (`NAME.duet-tokens-*.bin` beside it, other than `current`) that
    /// are older than the newest data file: they were made from data that has changed since. Caches
    /// made after the last change (for another tokenizer, say) stay. Best effort.
    func removeStaleCaches(keeping current: URL) {
        guard let newest = files.map(\.modified).max() else { return }
        let directory = root.deletingLastPathComponent()
        let prefix = root.lastPathComponent + ".duet-tokens-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".bin") && name != current.lastPathComponent {
            let url = directory.appendingPathComponent(name)
            // `<=`: file times come from a coarse kernel clock (a few ms), so a cache written just
            // before an edit can carry the same time as the edited file.
            if let made = try? Self.file(url, relativePath: name, format: .text).modified, made <= newest {
                try? AtomicFile.remove(url)
            }
        }
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

    private static func walk(_ directory: URL, relative: String, into found: inout [File], visited: inout Set<String>) throws {
        // A symbolic link back up the tree would otherwise recurse forever.
        guard visited.insert(directory.resolvingSymlinksInPath().path).inserted else { return }
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
                try walk(url, relative: rel, into: &found, visited: &visited)
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
