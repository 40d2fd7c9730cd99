import Foundation
import Tokenizers

/// A training corpus ready to batch: read from a text file, a directory of .txt/.md/.jsonl files, or
/// JSONL (`{"text": ...}` for clm/prefixlm/ul2; `{"messages": [{"role", "content"}]}` or
/// `{"prompt", "response"}` for sft), tokenised once into a memory-mapped token file cached beside
/// the data, split into training and validation documents, and turned into batches for the
/// configured objective and architecture.
///
/// The cache (`DATA.duet-tokens-<key>.bin`) is keyed by a hash of the tokenizer (its files and
/// vocabulary), the data files' names, sizes and modification times, and whether the objective
/// reads text or conversations; it is written atomically and reused on the next run. If it cannot
/// be written (a read-only directory) the tokens are kept in memory.
///
/// ## Topics
/// - Creating: ``init(path:tokenizer:options:)``
/// - Sizes: ``trainDocumentCount``, ``validationDocumentCount``, ``trainTokenCount``
/// - Batches: ``batches(from:)``, ``validationBatches(maxBatches:)``
public final class TrainingData: @unchecked Sendable {
    public let options: DataOptions
    /// The token cache in use (nil when it could not be written and the tokens live in memory).
    public let cacheURL: URL?
    /// True when the tokens came from an existing cache instead of being tokenised now.
    public let reusedCache: Bool
    public let trainDocumentCount: Int
    public let validationDocumentCount: Int
    /// Tokens of the training documents (without added `<bos>`/`<eos>`).
    public let trainTokenCount: Int
    public let validationTokenCount: Int

    let corpus: TokenCorpus
    let planner: ExamplePlanner
    let trainDocuments: [Int]
    let validationDocuments: [Int]
    private let lock = NSLock()
    private var cachedPlan: (epoch: Int, plan: EpochPlan)?
    private var cachedValidationPlan: EpochPlan?

    /// Reads (or reuses the cached tokens of) the data at `path`.
    public init(path: URL, tokenizer: any Tokenizer, options: DataOptions) throws {
        try options.validate()
        self.options = options
        let special = try Self.specialTokens(tokenizer, options: options)
        let source = try DataSource(path: path)
        let kind: TokenCorpus.Kind = options.objective.readsConversations ? .conversations : .text

        var hasher = StableHasher()
        hasher.combine("duet token cache v\(TokenCorpus.version)")
        hasher.combine(Int(kind.rawValue))
        try TokenizerFingerprint.combine(tokenizer, into: &hasher)
        source.combine(into: &hasher)
        let key = hasher.value
        let url = source.cacheURL(key: hasher.hex)

        var corpus: TokenCorpus? = nil
        if FileManager.default.fileExists(atPath: url.path) {
            corpus = try? TokenCorpus(mapping: url, key: key, vocabularySize: tokenizer.vocabularySize)
        }
        reusedCache = corpus != nil
        if corpus == nil {
            let builder = try CorpusTokenizer.build(source, tokenizer: tokenizer, kind: kind)
            do {
                try builder.write(to: url, key: key, vocabularySize: tokenizer.vocabularySize)
                corpus = try TokenCorpus(mapping: url, key: key, vocabularySize: tokenizer.vocabularySize)
                source.removeStaleCaches(keeping: url)
            } catch {
                corpus = try TokenCorpus(data: builder.data(key: key, vocabularySize: tokenizer.vocabularySize),
                                         key: key, vocabularySize: tokenizer.vocabularySize)
            }
        }
        let tokens = corpus!
        cacheURL = reusedCache || tokens.isMapped ? url : nil
        self.corpus = tokens
        guard tokens.documentCount > 0 else {
            throw DataError.noDocuments(path: source.root.path, reason: "every file is empty")
        }
        (trainDocuments, validationDocuments) = Self.split(documents: tokens.documentCount, fraction: options.validationFraction,
                                                           seed: options.seed)
        trainDocumentCount = trainDocuments.count
        validationDocumentCount = validationDocuments.count
        trainTokenCount = trainDocuments.reduce(0) { $0 + tokens.tokenCount($1) }
        validationTokenCount = validationDocuments.reduce(0) { $0 + tokens.tokenCount($1) }
        planner = try ExamplePlanner(corpus: tokens, options: options, special: special)
        guard plan(epoch: 0).batchCount > 0 else {
            throw DataError.noDocuments(path: source.root.path, reason: "no training example fits the sequence lengths")
        }
    }

    /// The deterministic, endless stream of training batches from `position`: each epoch visits every
    /// training example once, in an order reshuffled per epoch from `seed` and the epoch. The same
    /// seed and position always give the same batches. With a `shard`, each batch holds only that
    /// shard's rows of the batch (see ``DataShard``); the position still counts whole batches.
    public func batches(from position: DataPosition = .start, shard: DataShard = .whole) -> BatchIterator {
        BatchIterator(data: self, position: position, shard: shard)
    }

    /// The fixed validation batches (at most `maxBatches`), the same on every call and every run with
    /// the same seed.
    public func validationBatches(maxBatches: Int) -> [TrainingBatch] {
        guard !validationDocuments.isEmpty, maxBatches > 0 else { return [] }
        lock.lock()
        let plan = cachedValidationPlan ?? planner.plan(documents: validationDocuments, epoch: ExamplePlanner.validationEpoch)
        cachedValidationPlan = plan
        lock.unlock()
        return (0..<min(maxBatches, plan.batchCount)).map { planner.batch(plan, index: $0) }
    }

    /// The plan of training epoch `epoch` (the most recent one is kept).
    func plan(epoch: Int) -> EpochPlan {
        lock.lock()
        defer { lock.unlock() }
        if let cached = cachedPlan, cached.epoch == epoch { return cached.plan }
        let plan = planner.plan(documents: trainDocuments, epoch: UInt64(epoch))
        cachedPlan = (epoch, plan)
        return plan
    }

    /// Training and validation document indices: a seeded choice of `round(fraction · n)` documents
    /// (at least one when the fraction is positive, never all) is held out; both lists ascend.
    static func split(documents n: Int, fraction: Double, seed: UInt64) -> (train: [Int], validation: [Int]) {
        var held = Int((fraction * Double(n)).rounded())
        if fraction > 0 { held = max(held, 1) }
        held = min(held, n - 1)
        guard held > 0 else { return (Array(0..<n), []) }
        var order = Array(0..<n)
        var random = DataRandom(seed: seed, ExamplePlanner.Stream.validationSplit.rawValue)
        random.shuffle(&order)
        return (order[held...].sorted(), order[..<held].sorted())
    }

    /// BOS, EOS, padding (the tokenizer's, else EOS) and, for UL2, the `<unusedK>` sentinels.
    static func specialTokens(_ tokenizer: any Tokenizer, options: DataOptions) throws -> SpecialTokens {
        guard tokenizer.bosID >= 0 else { throw DataError.missingToken(name: "BOS", reason: "every example starts with it") }
        guard tokenizer.eosID >= 0 else { throw DataError.missingToken(name: "EOS", reason: "documents and targets end with it") }
        var sentinels: [TokenID] = []
        if options.objective == .ul2 {
            while let id = tokenizer.id(forPiece: "<unused\(sentinels.count)>") { sentinels.append(id) }
            let spans = options.ul2.denoisers.contains { d in
                if case .spanCorruption = d.task { return d.weight > 0 } else { return false }
            }
            if spans && sentinels.isEmpty {
                throw DataError.missingToken(name: "<unused0>", reason: "UL2 span corruption uses <unused0>, <unused1>, ... as sentinels")
            }
        }
        return SpecialTokens(bos: tokenizer.bosID, eos: tokenizer.eosID,
                             pad: tokenizer.padID >= 0 ? tokenizer.padID : tokenizer.eosID, sentinels: sentinels)
    }
}

/// An endless iterator over training batches; `position` is where the next batch comes from, so
/// saving it after a step and passing it to `TrainingData.batches(from:)` later resumes exactly.
public struct BatchIterator {
    let data: TrainingData
    private var plan: EpochPlan?
    public private(set) var position: DataPosition
    /// The rows of each batch this iterator gives.
    public let shard: DataShard

    init(data: TrainingData, position: DataPosition, shard: DataShard) {
        self.data = data
        self.shard = shard
        self.position = DataPosition(epoch: max(0, position.epoch), index: max(0, position.index))
    }

    /// The batch at `position`; then advances (to the next epoch after its last batch).
    public mutating func next() -> TrainingBatch {
        var current = plan ?? data.plan(epoch: position.epoch)
        if position.index >= current.batchCount {
            position = DataPosition(epoch: position.epoch + 1, index: 0)
            current = data.plan(epoch: position.epoch)
        }
        plan = current
        let batch = data.planner.batch(current, index: position.index, shard: shard)
        position.index += 1
        if position.index == current.batchCount {
            position = DataPosition(epoch: position.epoch + 1, index: 0)
            plan = nil
        }
        return batch
    }
}
