import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a fuzz run saw. A crash never shows up here: it kills the test process, and the mutant's
/// index (printed before each slow input, reproducible from the seed) is the finding.
public struct FuzzReport: CustomStringConvertible {
    public var name: String
    public var mutants = 0
    /// Inputs that parsed to a value, and inputs that threw.
    public var accepted = 0
    public var rejected = 0
    /// Longest single parse, in seconds, and which input it was (-1 for a hand-made one).
    public var slowest: Double = 0
    public var slowestIndex = 0
    /// Growth of the process's peak resident set over the run, in bytes.
    public var peakGrowth = 0
    /// Wall time of the whole run, in seconds.
    public var elapsed: Double = 0

    public var description: String {
        "\(name): \(mutants) inputs, \(accepted) parsed, \(rejected) rejected, slowest "
            + String(format: "%.3f s (input %d), peak RSS +%d MB, %.2f s total", slowest, slowestIndex,
                     peakGrowth >> 20, elapsed)
    }
}

/// Runs mutants of `seeds` (and the hand-made `extra` inputs) through `parse`, timing each one.
/// `prepare`, if given, finishes each mutant (say, wraps a mutated header into a whole file).
///
/// The count defaults to `count` and can be raised for a longer local run with the environment
/// variable `DUET_FUZZ_MUTANTS`; `DUET_FUZZ_SEED` changes the PRNG seed (the default keeps CI
/// deterministic), and `DUET_FUZZ_TRACE=1` saves each input before parsing it. An input slower
/// than `slowLimit` is written to `$TMPDIR/duet-fuzz-<name>-<i>` so it can be replayed
/// (tools/fuzz/README.md).
public func fuzz(_ name: String, seeds: [[UInt8]], extra: [[UInt8]] = [], count: Int, seed: UInt64 = 0xD0E7,
                 style: MutationStyle = [], dictionary: [String] = [], slowLimit: Double = 1.0,
                 prepare: ((inout [UInt8], inout SplitMix64) -> Void)? = nil,
                 parse: ([UInt8]) throws -> Void) -> FuzzReport {
    precondition(!seeds.isEmpty, "fuzz \(name): no seeds")
    let env = ProcessInfo.processInfo.environment
    let total = env["DUET_FUZZ_MUTANTS"].flatMap(Int.init) ?? count
    let baseSeed = env["DUET_FUZZ_SEED"].flatMap(UInt64.init) ?? seed
    var mutator = Mutator(seed: baseSeed ^ stableHash(name), style: style, dictionary: dictionary)
    var report = FuzzReport(name: name)
    let rssBefore = peakResidentBytes()
    let start = monotonicSeconds()

    // With DUET_FUZZ_TRACE=1 each input is written before it is parsed, so after a crash
    // `$TMPDIR/duet-fuzz-<name>-current` holds the input that killed the process.
    let tracePath = env["DUET_FUZZ_TRACE"] == "1" ? NSTemporaryDirectory() + "duet-fuzz-\(name)-current" : nil

    func run(_ input: [UInt8], index: Int) {
        if let tracePath { FileManager.default.createFile(atPath: tracePath, contents: Data(input)) }
        let t0 = monotonicSeconds()
        do {
            try parse(input)
            report.accepted += 1
        } catch {
            report.rejected += 1
        }
        let dt = monotonicSeconds() - t0
        report.mutants += 1
        if dt > report.slowest {
            report.slowest = dt
            report.slowestIndex = index
        }
        if dt > slowLimit {
            let path = NSTemporaryDirectory() + "duet-fuzz-\(name)-\(index)"
            FileManager.default.createFile(atPath: path, contents: Data(input))
            print("fuzz \(name): input \(index) took \(dt) s, saved to \(path)")
        }
    }

    for (k, input) in (seeds + extra).enumerated() { run(input, index: -1 - k) }
    for i in 0..<total {
        let a = seeds[mutator.rng.below(seeds.count)]
        let b = seeds[mutator.rng.below(seeds.count)]
        var input = mutator.mutate(a, other: b)
        prepare?(&input, &mutator.rng)
        run(input, index: i)
    }
    report.elapsed = monotonicSeconds() - start
    report.peakGrowth = max(0, peakResidentBytes() - rssBefore)
    print(report)
    return report
}

/// The limit every fuzz test asserts on peak RSS growth: no input may make a parser allocate 1 GB.
public let fuzzMemoryLimit = 1 << 30

/// Seconds on a monotonic clock.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// The process's peak resident set size so far, in bytes (`ru_maxrss` is in KiB on Linux).
public func peakResidentBytes() -> Int {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Int(usage.ru_maxrss) * 1024
    #else
    getrusage(RUSAGE_SELF, &usage)
    return Int(usage.ru_maxrss)
    #endif
}

/// FNV-1a of `s`, so each format gets its own mutant stream from one base seed.
func stableHash(_ s: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
    return h
}

/// The bytes of a file of the repository (seeds), by path relative to the repository root.
public func repositoryFile(_ relativePath: String) -> [UInt8] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let url = root.appendingPathComponent(relativePath)
    guard let data = FileManager.default.contents(atPath: url.path) else { fatalError("missing seed \(url.path)") }
    return [UInt8](data)
}
