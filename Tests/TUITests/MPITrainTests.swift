import Engine
import Foundation
import Sessions
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `mpirun -np 2 duet train`: data parallelism over Open MPI on localhost. Two ranks with `--batch 4`
/// must train as one process with `--batch 8` (same losses and final weights up to the order of
/// floating-point sums), rank 0 alone records the run, and a rank killed mid-run ends the job so that
/// `--resume` continues from the last checkpoint.
@Suite(.serialized) struct MPITrainTests {
    /// Relative difference allowed between one process and two ranks (sums in another order).
    static let tolerance = 1e-5

    /// `mpirun -np N duet ARGS` on localhost (`--oversubscribe`: the test machine may have fewer cores;
    /// `--allow-run-as-root`: test containers run as root).
    static func mpirunArguments(_ ranks: Int, _ arguments: [String]) -> [String] {
        ["mpirun", "-np", String(ranks), "--oversubscribe", "--allow-run-as-root", productPath("duet")] + arguments
    }

    static func mpirun(_ ranks: Int, _ arguments: [String]) -> ProcessOutput {
        spawnWait(mpirunArguments(ranks, arguments))
    }

    /// A tiny decoder-only model (`duet init`), its encoder-decoder adaptation (`duet adapt`), a text
    /// corpus and a prompt/response corpus in `dir`.
    static func prepare(_ dir: TemporaryDirectory) throws {
        try TrainCLITests.prepare(dir)
        let adapted = try runDuet(["adapt", "--from", dir.file("model"), "--out", dir.file("adapted"), "--db", dir.file("duet.sqlite")])
        try #require(adapted.status == 0, "\(adapted.stderr)")
        var salad = TrainFixtures.WordSalad(seed: 777)
        let lines = (0..<120).map { _ in
            "{\"prompt\": \"\(salad.words(4 + salad.next(16)))\", \"response\": \"\(salad.words(4 + salad.next(16))).\"}"
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir.file("sft.jsonl"), atomically: true, encoding: .utf8)
    }

    static func arguments(_ dir: TemporaryDirectory, model: String, objective: String, data: String, out: String,
                          steps: Int, batch: Int, extra: [String] = []) -> [String] {
        ["train", "--model", dir.file(model), "--objective", objective, "--data", dir.file(data), "--out", dir.file(out),
         "--steps", String(steps), "--batch", String(batch), "--seq-len", "64", "--lr", "3e-3", "--warmup", "4",
         "--checkpoint-every", "8", "--eval-every", "8", "--eval-batches", "3", "--seed", "5",
         "--db", dir.file("duet.sqlite"), "--threads", "1", "--json"] + extra
    }

    /// `step -> loss` of the printed JSON step events.
    static func losses(_ stdout: String) -> [Int: Double] {
        TrainCLITests.losses(stdout.split(separator: "\n").map(String.init)).compactMapValues(Double.init)
    }

    static func relativeDifference(_ a: Double, _ b: Double) -> Double {
        abs(a - b) / max(abs(a), abs(b), 1e-30)
    }

    /// `‖a − b‖₂ / ‖a‖₂` over all the weights of two checkpoints. Over the whole model, not per
    /// element: AdamW turns the rounding of sums in another order into steps of ±lr in elements whose
    /// gradient is near zero, so per-tensor maxima differ by ~3e-5 even between 1 and 2 threads of one
    /// process, while the model as a whole stays within ~1e-6.
    static func weightDifference(_ a: String, _ b: String) throws -> Double {
        let fa = try SafeTensorsFile(url: URL(fileURLWithPath: a).appendingPathComponent("model.safetensors"))
        let fb = try SafeTensorsFile(url: URL(fileURLWithPath: b).appendingPathComponent("model.safetensors"))
        #expect(fa.tensorNames.sorted() == fb.tensorNames.sorted())
        var difference = 0.0, norm = 0.0
        for name in fa.tensorNames {
            let x = try fa.tensor(name).toArray(), y = try fb.tensor(name).toArray()
            try #require(x.count == y.count, "\(name)")
            for i in x.indices {
                let d = Double(x[i]) - Double(y[i])
                difference += d * d
                norm += Double(x[i]) * Double(x[i])
            }
        }
        return (difference / max(norm, 1e-300)).squareRoot()
    }

    enum Case: String, CaseIterable, CustomTestStringConvertible {
        case decoderOnlyCLM, encoderDecoderPrefixLM, encoderDecoderSFT, decoderOnlySFT

        var model: String { self == .decoderOnlyCLM || self == .decoderOnlySFT ? "model" : "adapted" }
        var objective: String {
            switch self {
            case .decoderOnlyCLM: "clm"
            case .encoderDecoderPrefixLM: "prefixlm"
            case .encoderDecoderSFT, .decoderOnlySFT: "sft"
            }
        }
        var data: String { objective == "sft" ? "sft.jsonl" : "corpus.jsonl" }
        var testDescription: String { rawValue }
    }

    @Test(.timeLimit(.minutes(10)), arguments: Case.allCases)
    func twoRanksOfFourRowsTrainAsOneProcessOfEight(_ run: Case) throws {
        let dir = TemporaryDirectory()
        try Self.prepare(dir)
        let steps = 20
        let one = try runDuet(Self.arguments(dir, model: run.model, objective: run.objective, data: run.data, out: "one",
                                             steps: steps, batch: 8))
        try #require(one.status == 0, "\(one.stderr)")
        let two = Self.mpirun(2, Self.arguments(dir, model: run.model, objective: run.objective, data: run.data, out: "two",
                                                steps: steps, batch: 4))
        try #require(two.status == 0, "\(two.stdout)\n\(two.stderr)")

        let expected = Self.losses(one.stdout), got = Self.losses(two.stdout)
        #expect(expected.count == steps && got.count == steps, "rank 1 prints nothing: one line per step")
        var worst = 0.0
        for step in 1...steps {
            let a = try #require(expected[step]), b = try #require(got[step], "step \(step)")
            worst = max(worst, Self.relativeDifference(a, b))
        }
        #expect(worst <= Self.tolerance, "losses differ by up to \(worst)")
        let weights = try Self.weightDifference(dir.file("one/checkpoints/step-20"), dir.file("two/checkpoints/step-20"))
        #expect(weights <= Self.tolerance, "final weights differ by up to \(weights)")
        // Validation is shared between the ranks and summed: the same numbers.
        let evalLines = two.stdout.split(separator: "\n").filter { $0.contains("\"event\":\"eval\"") }
        #expect(evalLines.count == steps / 8 + 1)

        // One database row for the two ranks, recording them; the single process records one.
        let store = try DuetStore.open(path: dir.file("duet.sqlite"))
        let runs = try store.runs().filter { $0.outputDirectory == dir.file("two") }
        try #require(runs.count == 1)
        #expect(runs[0].status == .finished)
        #expect(runs[0].config["ranks"] == .int(2))
        #expect(runs[0].config["data"]?["batchSize"] == .int(8), "the run's batch is the global one")
        let single = try #require(try store.runs().first { $0.outputDirectory == dir.file("one") })
        #expect(single.config["ranks"] == .int(1))
        #expect(try store.metricSeries(runId: runs[0].id, name: "loss").count == steps)
        #expect(try !store.metricSeries(runId: runs[0].id, name: "allreduce_seconds").isEmpty)
        let shown = try runDuet(["runs", "show", String(runs[0].id), "--db", dir.file("duet.sqlite")])
        #expect(shown.stdout.contains("ranks:      2 (data parallel) · "), "\(shown.stdout)")
        #expect(shown.stdout.contains(" tokens/s in all, "))
    }

    /// Summing gradients during the backward (one bucket per block here) changes nothing: two ranks
    /// make the same steps, bit for bit, as with one all-reduce after the backward, through a
    /// cross-attention warm-up (a phase with other buckets) for the encoder-decoder.
    @Test(.timeLimit(.minutes(10)), arguments: [Case.decoderOnlyCLM, .encoderDecoderPrefixLM])
    func overlappedAllReduceTrainsAsAllReduceAfterTheBackward(_ run: Case) throws {
        let dir = TemporaryDirectory()
        try Self.prepare(dir)
        let steps = 12
        let warmup = run == .encoderDecoderPrefixLM ? ["--warmup-cross-attn", "4"] : []
        func train(_ overlap: String) throws -> String {
            var launch = Self.mpirunArguments(2, Self.arguments(dir, model: run.model, objective: run.objective, data: run.data,
                                                                out: overlap, steps: steps, batch: 4,
                                                                extra: warmup + ["--overlap-allreduce", overlap]))
            // A tiny bucket (about 100 floats): every block is reduced on its own.
            launch.insert(contentsOf: ["-x", "DUET_ALLREDUCE_BUCKET_MB=0.0004"], at: 1)
            let result = spawnWait(launch)
            try #require(result.status == 0, "\(result.stdout)\n\(result.stderr)")
            return result.stdout
        }
        let after = Self.losses(try train("off")), overlapped = Self.losses(try train("on"))
        #expect(after.count == steps)
        #expect(overlapped == after, "the same losses bit for bit")
        let weights = try Self.weightDifference(dir.file("off/checkpoints/step-\(steps)"), dir.file("on/checkpoints/step-\(steps)"))
        #expect(weights == 0, "final weights differ by \(weights)")
    }

    /// The pid of rank `rank` among the children of `mpirun` (read from their environment).
    static func rankPid(_ rank: Int, parent: pid_t) -> pid_t? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, pid_t(fields[1]) == parent,
                  let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") { return pid }
        }
        return nil
    }

    @Test(.timeLimit(.minutes(10))) func killedRankStopsTheJobAndTheRunResumes() throws {
        let dir = TemporaryDirectory()
        try Self.prepare(dir)
        let steps = 400
        // A constant rate after warm-up, so that runs of different totals take the same steps.
        let constant = ["--schedule", "constant"]
        let args = Self.arguments(dir, model: "model", objective: "clm", data: "corpus.jsonl", out: "killed", steps: steps, batch: 4,
                                  extra: constant)
        // mpirun ends the surviving ranks with SIGTERM, then SIGKILL after odls_base_sigkill_timeout (1 s
        // by default): the README's setting gives rank 0 the time to save on a loaded machine too.
        var launch = Self.mpirunArguments(2, args)
        launch.insert(contentsOf: ["--mca", "odls_base_sigkill_timeout", "10"], at: 1)
        let job = try #require(BackgroundProcess(launch))
        let checkpoint = job.waitForLine(timeout: 120) { $0.contains("\"event\":\"checkpoint\"") }
        try #require(checkpoint != nil, "no checkpoint: \(job.stderr)")
        // Between two regular checkpoints (every 8 steps).
        _ = job.waitForLine(timeout: 120) { $0.contains("\"step\":12,") }
        let victim = try #require(Self.rankPid(1, parent: job.pid), "rank 1 not found among mpirun's children")
        let root = try #require(Self.rankPid(0, parent: job.pid), "rank 0 not found among mpirun's children")
        kill(victim, SIGKILL)
        // No hang: the test's time limit fails it if mpirun waits forever for the dead rank.
        let status = job.wait()
        #expect(status != 0, "mpirun reports the failure")
        #expect(job.stderr.contains("rank 1"), "mpirun names the dead rank: \(job.stderr)")
        // mpirun ends rank 0 too; it may still be going for a moment after mpirun returns.
        let deadline = Date().addingTimeInterval(60)
        while kill(root, 0) == 0 && Date() < deadline { usleep(50_000) }
        #expect(kill(root, 0) != 0, "rank 0 still running a minute after mpirun ended")
        let before = Self.losses(job.stdout)
        try #require(!before.isEmpty && before.count < steps, "killed mid-run (\(before.count) steps)")

        let store = try DuetStore.open(path: dir.file("duet.sqlite"))
        let run = try #require(try store.runs().first { $0.outputDirectory == dir.file("killed") })
        // Rank 0 said why its row ends before mpirun killed it: stopped with the reason, not "lost".
        #expect(run.status == .stopped, "\(run.status): \(run.error ?? "")")
        #expect(run.error?.contains("mpirun ended the job") == true && run.error?.contains("--resume") == true, "\(run.error ?? "")")
        let latest = try #require(try TrainingCheckpoint.latest(in: URL(fileURLWithPath: dir.file("killed"))))
        let saved = try #require(Int(latest.lastPathComponent.replacingOccurrences(of: "step-", with: "")))
        #expect(run.error?.contains("saved step \(saved)") == true, "\(run.error ?? "")")
        #expect(try store.checkpoints(runId: run.id).map(\.step).contains(Int64(saved)), "the saved step is recorded")
        let shown = try runDuet(["runs", "show", String(run.id), "--db", dir.file("duet.sqlite")])
        #expect(shown.stdout.contains("status:     stopped") && shown.stdout.contains("reason:     mpirun ended the job"), "\(shown.stdout)")
        // Rank 0 saved its last completed step on mpirun's SIGTERM, not only the regular one of step 8.
        #expect(saved >= 12 && saved >= (before.keys.max() ?? 0), "saved step \(saved); printed up to \(before.keys.max() ?? 0)\n\(job.stderr)")
        #expect(job.stderr.contains("before mpirun ends the job"), "\(job.stderr)")

        // Resume with two ranks to a shorter total, then alone (another rank count, same global batch).
        let total = saved + 16
        let resumed = Self.mpirun(2, ["train", "--out", dir.file("killed"), "--resume", "--steps", String(total), "--json",
                                      "--threads", "1"])
        try #require(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
        let after = Self.losses(resumed.stdout)
        #expect(after.keys.min() == saved + 1, "continues after the last checkpoint (step \(saved))")
        let alone = try runDuet(["train", "--out", dir.file("killed"), "--resume", "--steps", String(total + 8), "--json",
                                 "--threads", "1"])
        try #require(alone.status == 0, "\(alone.stderr)")
        let last = Self.losses(alone.stdout)
        #expect(last.keys.sorted() == Array((total + 1)...(total + 8)))

        // The same steps as one process straight through with the global batch.
        let straight = try runDuet(Self.arguments(dir, model: "model", objective: "clm", data: "corpus.jsonl", out: "straight",
                                                  steps: total + 8, batch: 8, extra: constant))
        try #require(straight.status == 0, "\(straight.stderr)")
        let expected = Self.losses(straight.stdout)
        var worst = 0.0
        for (step, loss) in before.merging(after, uniquingKeysWith: { $1 }).merging(last, uniquingKeysWith: { $1 }) {
            worst = max(worst, Self.relativeDifference(try #require(expected[step]), loss))
        }
        #expect(worst <= Self.tolerance, "losses differ from one process by up to \(worst)")
        // The killed row finished under two ranks; training the finished run longer made a new row.
        let finished = try #require(try store.run(id: run.id))
        #expect(finished.status == .finished && finished.config["ranks"] == .int(2))
        let longer = try #require(try store.runs().filter { $0.outputDirectory == dir.file("killed") }.max { $0.id < $1.id })
        #expect(longer.id != run.id && longer.status == .finished)
        #expect(longer.config["ranks"] == .int(1), "each row records the ranks it ran with")
    }
}
