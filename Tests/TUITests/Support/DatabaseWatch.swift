import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Watches every process on the machine for an open descriptor of a deleted `-wal` or `-shm` file of
/// one database: the sign that another process deleted them while this one still writes there (its
/// writes are then lost). Scans `/proc/*/fd` on a background thread until ``stop()``.
final class DeletedWALWatch: @unchecked Sendable {
    private let database: String
    private let lock = NSLock()
    private var found: [String] = []
    private var running = true
    private var scans = 0
    private let done = DispatchSemaphore(value: 0)

    init(database: String) {
        self.database = database
        Thread.detachNewThread { [self] in
            while isRunning {
                let hits = Self.deletedFiles(of: database)
                lock.lock()
                found.append(contentsOf: hits)
                scans += 1
                lock.unlock()
                usleep(50_000)
            }
            done.signal()
        }
    }

    private var isRunning: Bool { lock.lock(); defer { lock.unlock() }; return running }

    /// Stops watching; returns what was seen (`pid: link target`) and how many scans ran.
    func stop() -> (findings: [String], scans: Int) {
        lock.lock(); running = false; lock.unlock()
        done.wait()
        lock.lock(); defer { lock.unlock() }
        return (Array(Set(found)).sorted(), scans)
    }

    /// `pid: target` for each open descriptor, in any process, of `database`'s deleted `-wal`/`-shm`.
    static func deletedFiles(of database: String) -> [String] {
        var hits: [String] = []
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in processes where pid.first?.isNumber == true {
            let fdDirectory = "/proc/\(pid)/fd"
            for fd in (try? FileManager.default.contentsOfDirectory(atPath: fdDirectory)) ?? [] {
                var buffer = [CChar](repeating: 0, count: 4096)
                let n = readlink(fdDirectory + "/" + fd, &buffer, buffer.count - 1)
                guard n > 0 else { continue }
                let target = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if target.hasPrefix(database + "-"), target.hasSuffix(" (deleted)") { hits.append("\(pid): \(target)") }
            }
        }
        return hits
    }
}

/// The pid of the program a tmux pane runs: the child of the pane's shell.
func programPid(inPaneOf tmux: Tmux) -> pid_t? {
    guard let shell = tmux.panePid,
          let children = try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8) else { return nil }
    return children.split(separator: " ").first.flatMap { pid_t($0) }
}
