import DuetCore
import Foundation

/// Writes a complete synthetic data set (see `SynthReport.readme` for the layout):
/// pretrain.txt, sft.jsonl, valid.txt, eval.jsonl, README.md and stats.json.
///
/// Every file has its own random stream derived from the seed and the file's role, and training and
/// held-out streams use different derivations, so the same options give byte-identical files and the
/// evaluation set does not depend on `sizeMB`. Files are written atomically and appear together.
public enum SyntheticDataset {
    /// Generates the data set into `directory` (created if needed). `progress` sees one line per file.
    @discardableResult
    public static func write(to directory: URL, options: SynthOptions,
                             progress: ((String) -> Void)? = nil) throws -> SynthReport {
        try options.validate()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SynthError.cannotCreateDirectory(path: directory.path, reason: error.localizedDescription)
        }
        var report = SynthReport(options: options)
        var pending: [PendingFile] = []
        defer { pending.forEach { $0.discard() } }
        let seed = options.seed
        var heldOutNames = Set<String>()

        var trainWorldRNG = SynthRandom(seed: SynthRandom.derive(seed, "train/world"))
        let trainWorld = World(split: .train, people: options.trainPeople, towns: options.trainTowns, rng: &trainWorldRNG)
        var pretrain = PretrainWriter(world: trainWorld, arithmeticDrillPercent: options.arithmeticDrillPercent,
                                      englishShapedPercent: options.englishShapedPercent, taskWeights: options.weights)
        let pretrainFile = try textFile(directory, "pretrain.txt", target: options.pretrainBytes,
                                        rng: SynthRandom(seed: SynthRandom.derive(seed, "train/pretrain")), writer: &pretrain)
        pending.append(pretrainFile.file)
        report.files.append(("pretrain.txt", pretrainFile.bytes))
        report.pretrainDocuments = pretrainFile.counts
        report.pretrainSamples = pretrainFile.samples
        progress?("pretrain.txt  \(report.bytes(of: "pretrain.txt") ?? 0) bytes")

        pending.append(try sftFile(directory, options: options, report: &report))
        progress?("sft.jsonl     \(report.bytes(of: "sft.jsonl") ?? 0) bytes")

        var heldOutWorldRNG = SynthRandom(seed: SynthRandom.derive(seed, "held-out/world"))
        let heldOutWorld = World(split: .heldOut, people: options.heldOutPeople, towns: options.heldOutTowns,
                                 rng: &heldOutWorldRNG)
        heldOutNames.formUnion(heldOutWorld.towns.map(\.name))
        heldOutNames.formUnion(heldOutWorld.people.flatMap { [$0.name, $0.pet.name] })
        var valid = PretrainWriter(world: heldOutWorld, arithmeticDrillPercent: options.arithmeticDrillPercent,
                                   englishShapedPercent: options.englishShapedPercent, taskWeights: options.weights)
        valid.recordNames()
        let validFile = try textFile(directory, "valid.txt", target: options.validBytes,
                                     rng: SynthRandom(seed: SynthRandom.derive(seed, "held-out/valid")), writer: &valid)
        pending.append(validFile.file)
        report.files.append(("valid.txt", validFile.bytes))
        report.validDocuments = validFile.counts
        heldOutNames.formUnion(valid.issuedNames)
        progress?("valid.txt     \(report.bytes(of: "valid.txt") ?? 0) bytes")

        let (evalFile, evalNames) = try self.evalFile(directory, options: options, report: &report)
        pending.append(evalFile)
        heldOutNames.formUnion(evalNames)
        progress?("eval.jsonl    \(report.bytes(of: "eval.jsonl") ?? 0) bytes")

        report.heldOutNames = heldOutNames.sorted()
        let stats = JSONWriter.data(report.statsJSON)
        report.files.append(("stats.json", stats.count))
        let readme = Data(report.readme.utf8)
        report.files.insert(("README.md", readme.count), at: report.files.count - 1)
        pending.append(try AtomicFile.prepare(directory.appendingPathComponent("README.md")) { try $0.write(readme) })
        pending.append(try AtomicFile.prepare(directory.appendingPathComponent("stats.json")) { try $0.write(stats) })
        for file in pending { try file.commit() }
        pending.removeAll()
        return report
    }

    /// A prepared text file, its size, and its documents counted by kind (with the first of each).
    struct TextFile {
        var file: PendingFile
        var bytes: Int
        var counts: [PretrainDocumentKind: Int]
        var samples: [PretrainDocumentKind: String]
    }

    /// Documents from `writer` until `target` bytes, separated by blank lines.
    static func textFile(_ directory: URL, _ name: String, target: Int, rng initial: SynthRandom,
                         writer: inout PretrainWriter) throws -> TextFile {
        var rng = initial
        var written = 0
        var counts: [PretrainDocumentKind: Int] = [:], samples: [PretrainDocumentKind: String] = [:]
        let file = try AtomicFile.prepare(directory.appendingPathComponent(name)) { sink in
            var buffer = ChunkBuffer(sink: sink)
            while written < target {
                let (kind, text) = writer.document(&rng)
                counts[kind, default: 0] += 1
                if samples[kind] == nil { samples[kind] = text }
                let bytes = (written == 0 ? "" : "\n") + text + "\n"
                written += bytes.utf8.count
                try buffer.append(bytes)
            }
            try buffer.flush()
        }
        return TextFile(file: file, bytes: written, counts: counts, samples: samples)
    }

    /// Instruction chats of the training split until the target size.
    static func sftFile(_ directory: URL, options: SynthOptions, report: inout SynthReport) throws -> PendingFile {
        var rng = SynthRandom(seed: SynthRandom.derive(options.seed, "train/sft"))
        var tasks = TaskGenerator(split: .train, englishShapedPercent: options.englishShapedPercent)
        var written = 0
        let file = try AtomicFile.prepare(directory.appendingPathComponent("sft.jsonl")) { sink in
            var buffer = ChunkBuffer(sink: sink)
            while written < options.sftBytes {
                let instance = tasks.makeAny(twoTurnPercent: options.twoTurnPercent, weights: options.weights, &rng)
                report.sft[instance.task, default: .init()].add(instance)
                if report.sftSamples[instance.task] == nil { report.sftSamples[instance.task] = instance.messages }
                let line = SFTRecord.jsonLine(instance.messages) + "\n"
                written += line.utf8.count
                try buffer.append(line)
            }
            try buffer.flush()
        }
        report.files.append(("sft.jsonl", written))
        return file
    }

    /// `evalPerTask` distinct held-out items of every task, grouped by task. Returns the names used.
    static func evalFile(_ directory: URL, options: SynthOptions,
                         report: inout SynthReport) throws -> (PendingFile, [String]) {
        var rng = SynthRandom(seed: SynthRandom.derive(options.seed, "held-out/eval"))
        var tasks = TaskGenerator(split: .heldOut)
        tasks.recordNames()
        var text = ""
        for task in TaskType.allCases {
            var seen = Set<String>()
            var attempts = 0
            // Some held-out spaces are small (1 in 8 of 13 x 13 products): stop rather than loop forever.
            while seen.count < options.evalPerTask && attempts < 50 * options.evalPerTask {
                attempts += 1
                let instance = tasks.make(task, twoTurn: rng.chance(options.twoTurnPercent), &rng)
                let final = instance.finalTurn
                let item = EvalItem(task: task.rawValue, messages: instance.prompt, answer: final.answer, check: final.check)
                let line = item.jsonLine
                guard seen.insert(line).inserted else { continue }
                report.eval[task, default: .init()].add(instance)
                text += line + "\n"
            }
        }
        let data = Data(text.utf8)
        report.files.append(("eval.jsonl", data.count))
        return (try AtomicFile.prepare(directory.appendingPathComponent("eval.jsonl")) { try $0.write(data) },
                tasks.issuedNames)
    }
}

extension SynthReport.TurnCounts {
    mutating func add(_ instance: TaskInstance) {
        if instance.turns.count > 1 { twoTurn += 1 } else { singleTurn += 1 }
    }
}

/// Collects UTF-8 text and hands it to a file sink in large writes.
struct ChunkBuffer {
    let sink: FileSink
    private var bytes: [UInt8] = []
    static let chunk = 1 << 20

    init(sink: FileSink) {
        self.sink = sink
        bytes.reserveCapacity(Self.chunk + 4096)
    }

    mutating func append(_ text: String) throws {
        bytes.append(contentsOf: text.utf8)
        if bytes.count >= Self.chunk { try flush() }
    }

    mutating func flush() throws {
        try bytes.withUnsafeBytes { buffer in
            if let base = buffer.baseAddress { try sink.write(base, count: buffer.count) }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}
