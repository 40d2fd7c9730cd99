import ArgumentParser
import Engine
import Foundation
import Synthetic

/// `duet eval probe`: how much a frozen model's representations know, read by a linear classifier
/// (the paper's third claim: an adapted encoder's states beat the decoder-only model's).
struct EvalProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Linear probe of frozen representations on true/false statements about passages.",
        discussion: """
        Task "statement": a passage of the synthetic world, one of its questions and an answer that is the \
        passage's (true) or another answer of the same kind from the same passage (false); half are true. \
        Task "older": two people described with their ages and "Is A older than B?" (half yes). \
        Training and test statements use names from disjoint splits. Features: mean-pooled encoder states \
        for an encoder-decoder; the last token's and the mean-pooled final states for a decoder-only model. \
        A logistic regression (its L2 strength picked on a quarter of the training statements) is fitted on \
        the training statements and scored on the test statements.
        """)

    enum Task: String, ExpressibleByArgument {
        case statement, older

        func examples(count: Int, split: DataSplit, seed: UInt64) -> [ProbeExample] {
            switch self {
            case .statement: ProbeStatements.make(count: count, split: split, seed: seed)
            case .older: ProbeStatements.older(count: count, split: split, seed: seed)
            }
        }
    }

    @OptionGroup var global: GlobalOptions
    @Option(help: "Model directory (with its tokenizer).") var model: String
    @Option(help: "Probe task: statement or older.") var task: Task = .statement
    @Option(help: "Training statements.") var train = 400
    @Option(help: "Test statements (held-out names).") var test = 200
    @Option(help: "Seed of the statements.") var seed: UInt64 = 1
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard train >= 2, test >= 2 else { throw ValidationError("--train and --test need at least 2 statements each") }
    }

    func run() throws {
        global.apply()
        let loaded = try openModel(model)
        guard let tokenizer = loaded.tokenizer else { throw CommandFailure("\(model) has no tokenizer") }
        let trainSet = task.examples(count: train, split: .train, seed: seed)
        let testSet = task.examples(count: test, split: .heldOut, seed: seed &+ 1_000_003)
        // Feature kinds: name -> features of one text.
        let kinds: [(String, (String) throws -> [Float])]
        switch loaded.model {
        case let m as T5GemmaModel:
            kinds = [("encoder, mean-pooled", { Self.meanPool(try m.encode(tokenizer.encode($0, addBOS: true))) })]
        case let m as Gemma2Model:
            kinds = [("decoder-only, last token", { Self.lastRow(try m.hiddenStates(tokenizer.encode($0, addBOS: true))) }),
                     ("decoder-only, mean-pooled", { Self.meanPool(try m.hiddenStates(tokenizer.encode($0, addBOS: true))) })]
        default:
            throw CommandFailure("eval probe supports Gemma 2/3 and T5Gemma models")
        }
        var results: [(String, Double, Double)] = []
        var testCorrect: [[Bool]] = []
        for (name, features) in kinds {
            let x = try trainSet.map { try features($0.text) }, xt = try testSet.map { try features($0.text) }
            let probe = LinearProbe.validated(features: x, labels: trainSet.map(\.label)).probe
            results.append((name, probe.accuracy(features: x, labels: trainSet.map(\.label)),
                            probe.accuracy(features: xt, labels: testSet.map(\.label))))
            testCorrect.append(zip(xt, testSet).map { (probe.probability($0) >= 0.5) == $1.label })
        }
        let majority = Double(max(testSet.filter(\.label).count, testSet.filter { !$0.label }.count)) / Double(testSet.count)
        if json {
            let object: [String: Any] = [
                "task": task.rawValue, "train": train, "test": test, "seed": seed, "majority_baseline": majority,
                // Per held-out statement (the same statements for every model with this seed), for paired comparisons.
                "features": zip(results, testCorrect).map { r, correct in
                    ["features": r.0, "train_accuracy": r.1, "test_accuracy": r.2, "test_correct": correct] as [String: Any]
                },
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("probe \(task.rawValue): \(train) training and \(test) held-out statements (seed \(seed)); majority baseline "
              + String(format: "%.1f%%", majority * 100))
        print("features                     train     test")
        for (name, trainAccuracy, testAccuracy) in results {
            print(name.padding(toLength: 26, withPad: " ", startingAt: 0) + String(format: "  %6.1f%%  %6.1f%%", trainAccuracy * 100, testAccuracy * 100))
        }
    }

    static func meanPool(_ states: Tensor) -> [Float] {
        let t = states.shape[0], d = states.shape[1], values = states.toArray()
        var out = [Float](repeating: 0, count: d)
        for i in 0..<t { for j in 0..<d { out[j] += values[i * d + j] / Float(t) } }
        return out
    }

    static func lastRow(_ states: Tensor) -> [Float] {
        let t = states.shape[0], d = states.shape[1]
        return Array(states.toArray()[(t - 1) * d..<t * d])
    }
}
