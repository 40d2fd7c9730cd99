import DuetCLI
import DuetCore
import Engine
import Foundation
import Sessions
import Tokenizers

/// How the two models of a comparison share the machine.
enum CompareMode: String {
    /// One model generates its whole answer, then the other: each gets all the cores (fairest timings).
    case sequential
    /// The models alternate token by token (see `TurnBaton`): both answers grow side by side, and
    /// each one's times include waiting for the other.
    case interleaved
}

/// What a comparison run reports to the UI, in order, from the engine queue.
enum CompareEvent {
    /// The comparison and its sides were stored (ids for votes).
    case created(comparisonId: Int64, entryIds: [Int64])
    case started(side: Int)
    case text(side: Int, delta: String, tokens: Int)
    case finished(side: Int, outcome: CompareOutcome)
    /// Every side finished (or the run was stopped).
    case done
}

/// How one side ended.
struct CompareOutcome {
    var status: GenerationStatus
    var stats: MessageStats?
    var flopsPerToken: Double?
    var error: String?
    var output: String
}

/// One model of a comparison: what runs, and its database record.
struct Contestant {
    var model: LoadedModel
    var record: ModelRecord?
}

/// Runs one comparison on the calling thread (the engine queue): stores it, generates every side with
/// the same prompt, seed and sampling (one after another, or interleaved), streams the text into the
/// database as it is generated, and reports each step through `report`.
enum CompareRunner {
    static func run(store: DuetStore?, contestants: [Contestant], conversation: [ChatMessage], systemPrompt: String?,
                    sampling: SamplingParameters, mode: CompareMode, labelsHidden: Bool, cancel: CancellationFlag,
                    report: @escaping @Sendable (CompareEvent) -> Void) {
        var opened: [ReplyWriter?] = Array(repeating: nil, count: contestants.count)
        if let store, contestants.allSatisfy({ $0.record != nil }) {
            do {
                let prompt = conversation.last { $0.role == .user }?.content ?? ""
                let comparison = try store.createComparison(
                    prompt: prompt, systemPrompt: systemPrompt, labelsHidden: labelsHidden,
                    contenders: contestants.map { Contender(modelId: $0.record!.id, sampling: GenerationSettings.record(sampling)) })
                report(.created(comparisonId: comparison.id, entryIds: comparison.entries.map(\.id)))
                opened = try comparison.entries.map { try store.beginOutput(forEntry: $0.id) }
            } catch {
                for side in contestants.indices {
                    report(.finished(side: side, outcome: CompareOutcome(status: .failed, error: "could not store the comparison: \(error)", output: "")))
                }
                report(.done)
                return
            }
        }
        let writers = opened
        switch mode {
        case .sequential:
            for side in contestants.indices {
                runSide(side, contestants[side], writer: writers[side], conversation: conversation, sampling: sampling,
                        cancel: cancel, baton: nil, report: report)
            }
        case .interleaved:
            let baton = TurnBaton(participants: contestants.count)
            let group = DispatchGroup()
            for side in contestants.indices.dropFirst() {
                group.enter()
                let thread = Thread {
                    runSide(side, contestants[side], writer: writers[side], conversation: conversation, sampling: sampling,
                            cancel: cancel, baton: baton, report: report)
                    group.leave()
                }
                thread.stackSize = 8 << 20
                thread.start()
            }
            runSide(0, contestants[0], writer: writers[0], conversation: conversation, sampling: sampling,
                    cancel: cancel, baton: baton, report: report)
            group.wait()
        }
        report(.done)
    }

    private static func runSide(_ side: Int, _ contestant: Contestant, writer: ReplyWriter?, conversation: [ChatMessage],
                                sampling requested: SamplingParameters, cancel: CancellationFlag, baton: TurnBaton?,
                                report: @escaping @Sendable (CompareEvent) -> Void) {
        baton?.wait(side)
        defer { baton?.finish(side) }
        let loaded = contestant.model
        report(.started(side: side))
        var output = ""
        do {
            let prompt = try StreamingGeneration.encode(conversation, for: loaded)
            let sampling = try StreamingGeneration.fitted(requested, promptTokens: prompt.count, model: loaded)
            let result = try StreamingGeneration.run(loaded, prompt: prompt, sampling: sampling, cancel: cancel,
                                                     onToken: { baton?.yield(side) }) { delta, count in
                output += delta
                writer?.append(delta)
                report(.text(side: side, delta: delta, tokens: count))
            }
            let s = result.stats
            let stats = GenerationSettings.stats(s, architecture: loaded.model.architecture, sampling: sampling,
                                                 modelHash: contestant.record?.contentHash)
            let context = loaded.model.architecture == .encoderDecoder ? s.encoderTokens : s.promptTokens
            let flops = s.generatedTokens > 0 ? loaded.model.flopsPerGeneratedToken(promptTokens: context, generatedTokens: s.generatedTokens) : nil
            let stopped = s.stopReason == .cancelled
            var saveError: String?
            do { if stopped { try writer?.stop(stats: stats) } else { try writer?.finish(stats: stats) } } catch { saveError = "\(error)" }
            report(.finished(side: side, outcome: CompareOutcome(status: stopped ? .stopped : .complete, stats: stats,
                                                                 flopsPerToken: flops, error: saveError.map { "not saved: \($0)" },
                                                                 output: output)))
        } catch {
            try? writer?.fail("\(error)")
            report(.finished(side: side, outcome: CompareOutcome(status: .failed, error: "\(error)", output: output)))
        }
    }
}
