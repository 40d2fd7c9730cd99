import Engine
import Foundation
import Sessions
#if canImport(Glibc)
import Glibc
#endif

/// The sgemm peak `duet train` divides model FLOP/s by for MFU, measured once per machine and thread
/// count and kept in `$DUET_HOME/sgemm-peak.json`.
///
/// Why kept: a probe per run was at the mercy of whatever else ran during its 0.4 s. On a 2-core
/// machine a compiler on one core made it read 33 instead of 66 GFLOP/s, so two identical runs
/// reported MFU 2x apart. With one stored peak, runs on a machine divide by the same number, and
/// the number is stated (printed at start, stored with the run). `--measure-peak` replaces it, for
/// when it was measured on a busy machine (the probe records how much of its threads' time it got).
package struct SgemmPeak {
    /// One stored measurement, for one machine and thread count.
    struct Entry: Codable, Equatable {
        /// Host, CPU model, online cores, BLAS build and threads: a different key is a different peak.
        var key: String
        var gflops: Double
        var size: Int
        var seconds: Double
        var threads: Int
        var cpuShare: Double
        var measuredAt: Date
    }

    /// The peak to use, and whether this process measured it (false: read from the file).
    struct Choice {
        var entry: Entry
        var measuredNow: Bool
        var file: String

        /// What the run records.
        var reference: MFUReference {
            MFUReference(peakGflops: entry.gflops, method: SgemmPeak.method(entry), measuredAt: entry.measuredAt,
                         cpuShare: entry.cpuShare)
        }
    }

    /// `$DUET_HOME/sgemm-peak.json`.
    let path: String

    init(home: String) { path = home + "/sgemm-peak.json" }

    /// The stored peak for this machine and `threads`, or a new measurement (then stored) when there is
    /// none or `remeasure` asks for one. Processes starting at once take turns (a file lock): the second
    /// uses the first one's measurement, instead of both probing while they halve each other's cores.
    func choose(threads: Int, remeasure: Bool,
                measure: () -> PeakMeasurement = { TrainingThroughput.measurePeak() }) throws -> Choice {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let lock = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw TrainCommandError("cannot open \(path).lock: \(String(cString: strerror(errno)))") }
        defer { close(lock) }  // closing releases the lock
        while flock(lock, LOCK_EX) != 0 && errno == EINTR {}
        let key = Self.machineKey(threads: threads)
        var entries = read()
        if !remeasure, let stored = entries.first(where: { $0.key == key }) {
            return Choice(entry: stored, measuredNow: false, file: path)
        }
        let m = measure()
        // Rounded to what the file keeps exactly (whole seconds, 0.01 GFLOP/s), so the run that measured
        // and the runs that read the file divide by the very same number.
        func rounded(_ value: Double, _ scale: Double) -> Double { (value * scale).rounded() / scale }
        let entry = Entry(key: key, gflops: rounded(m.gflops, 100), size: m.size, seconds: rounded(m.seconds, 100), threads: m.threads,
                          cpuShare: rounded(m.cpuShare, 1000), measuredAt: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        entries.removeAll { $0.key == key }
        entries.append(entry)
        try write(entries)
        return Choice(entry: entry, measuredNow: true, file: path)
    }

    /// The stored entries (none when the file is missing or unreadable: then the peak is measured again).
    func read() -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return (try? decoder.decode([Entry].self, from: data)) ?? []
    }

    private func write(_ entries: [Entry]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(entries).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// What identifies a peak: the same CPU, cores, BLAS build and thread count measure the same.
    static func machineKey(threads: Int) -> String {
        [ProcessInfo.processInfo.hostName, cpuModel(), "\(EngineThreads.onlineCores) cores", BLASInfo.coreName,
         BLASInfo.config, "\(threads) threads"].joined(separator: " | ")
    }

    /// The CPU's model name from /proc/cpuinfo ("unknown CPU" elsewhere).
    static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return "unknown CPU" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }

    /// "sgemm 1024³ f32, best call of 2.0 s, 2 threads".
    static func method(_ entry: Entry) -> String {
        "sgemm \(entry.size)³ f32, best call of " + String(format: "%.1f s", entry.seconds)
            + ", \(entry.threads) thread\(entry.threads == 1 ? "" : "s")"
    }

    /// Below this share of its threads' time, the probe was starved by other processes: its peak is low.
    package static let busyShare = 0.9

    /// The line `duet train` prints first: the peak, how and when it was measured, and where it is kept.
    static func statement(_ choice: Choice) -> String {
        let e = choice.entry
        let when = choice.measuredNow ? "measured now" : "measured " + CLIOutput.date(e.measuredAt)
        var text = "MFU relative to sgemm peak " + String(format: "%.1f", e.gflops) + " GFLOP/s \(when) (\(method(e)); "
        text += choice.measuredNow ? "kept in \(choice.file) for later runs" : "from \(choice.file); --measure-peak measures again"
        text += ")"
        if e.cpuShare < busyShare {
            text += String(format: ". The probe got %.0f%% of its threads' time (other processes were busy): the peak is likely low "
                           + "and MFU high; --measure-peak on a quiet machine replaces it", e.cpuShare * 100)
        }
        if let advice = BLASKernels.narrowerPinAdvice { text += ". " + advice }
        return text
    }
}
