import Engine
import Foundation
import Sessions

/// One side of a comparison on screen: which model, its streaming text, its end and its numbers.
struct CompareSide {
    var modelName: String
    var architecture: ModelArchitecture
    var output = ""
    var status = GenerationStatus.pending
    var tokens = 0
    var started: Double?
    var outcome: CompareOutcome?

    init(modelName: String, architecture: ModelArchitecture) {
        self.modelName = modelName
        self.architecture = architecture
    }
}

/// A comparison as the UI follows it: the prompt, both sides (in database order: A then B), the
/// order they are shown in (shuffled in blind mode), and the vote.
final class CompareRun {
    let prompt: String
    let mode: CompareMode
    let blind: Bool
    let seed: UInt64
    let cancel = CancellationFlag()
    var comparisonId: Int64?
    var sides: [CompareSide]
    /// Each side's text as markdown, and its scroll position (kept apart from `sides` so a view can
    /// draw its document in place).
    var documents: [MarkdownDocument]
    var views: [TextView]
    /// Display columns: `order[0]` is the side shown on the left.
    let order: [Int]
    var vote: Vote?
    private(set) var isDone = false
    /// Word diff of the two outputs, computed once both are finished.
    private(set) var diff: TextDiff.Result?

    init(prompt: String, mode: CompareMode, blind: Bool, seed: UInt64, sides: [CompareSide], shuffle: Bool, glyphs: Glyphs = .unicode) {
        documents = sides.map { _ in MarkdownDocument(glyphs: glyphs) }
        views = sides.map { _ in TextView() }
        self.prompt = prompt
        self.mode = mode
        self.blind = blind
        self.seed = seed
        self.sides = sides
        order = shuffle ? Array(sides.indices).shuffled() : Array(sides.indices)
    }

    /// Whether model names (and their telltale stats) are hidden: blind and not voted yet.
    var labelsHidden: Bool { blind && vote == nil }
    var isRunning: Bool { !isDone }
    var finishedNormally: Bool { isDone && sides.allSatisfy { $0.status == .complete } }
    /// Ready for a vote: done, nothing failed, stored, not voted.
    var awaitsVote: Bool { isDone && comparisonId != nil && vote == nil && sides.allSatisfy { $0.status != .failed } }

    /// Applies an event from the runner.
    func apply(_ event: CompareEvent, now: Double) {
        switch event {
        case let .created(id, _): comparisonId = id
        case .started(let side):
            sides[side].status = .streaming
            sides[side].started = now
        case let .text(side, delta, tokens):
            sides[side].output += delta
            documents[side].append(delta)
            sides[side].tokens = tokens
        case let .finished(side, outcome):
            sides[side].status = outcome.status
            sides[side].outcome = outcome
            if let generated = outcome.stats?.generatedTokens { sides[side].tokens = generated }
        case .done:
            isDone = true
            if sides.count == 2 { diff = TextDiff.words(sides[0].output, sides[1].output) }
        }
    }

    /// The database position a display column shows.
    func side(inColumn column: Int) -> Int { order[column] }

    /// "Left" / "Right" in blind mode, "A" / "B" otherwise.
    func label(column: Int) -> String {
        labelsHidden ? (column == 0 ? "Left" : "Right") : (order[column] == 0 ? "A" : "B")
    }
}
