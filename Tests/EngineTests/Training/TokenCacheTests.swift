import Foundation
import Testing
@testable import Engine
@testable import Tokenizers

/// The token cache: written once beside the data, reused, invalidated by any change that matters,
/// rebuilt when damaged.
@Suite struct TokenCacheTests {
    static let tokenizer = DataTestSupport.tokenizer

    static func caches(in dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".duet-tokens-") }.sorted()
    }

    @Test func writtenOnceThenReusedWithIdenticalBatches() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let file = dir.appendingPathComponent("train.jsonl")
        try DataTestSupport.write(DataTestSupport.textJSONL(documents: 20, sentencesEach: 1...6, seed: 4), to: file)
        let options = DataOptions(objective: .clm, batchSize: 2, sequenceLength: 32)
        let first = try TrainingData(path: file, tokenizer: Self.tokenizer, options: options)
        #expect(!first.reusedCache)
        let cache = try #require(first.cacheURL)
        #expect(cache.lastPathComponent.hasPrefix("train.jsonl.duet-tokens-") && cache.pathExtension == "bin")
        #expect(try Self.caches(in: dir) == [cache.lastPathComponent])
        #expect(first.corpus.isMapped)
        let second = try TrainingData(path: file, tokenizer: Self.tokenizer, options: options)
        #expect(second.reusedCache && second.cacheURL == cache)
        #expect(TrainingDataTests.epoch(first) == TrainingDataTests.epoch(second))
        // The cached tokens are the tokenizer's encoding of each record.
        let texts = try JSONLRecords.records(in: [UInt8](Data(contentsOf: file)), file: file.path, conversations: false)
            .map { record -> String in if case let .text(t) = record.record { return t } else { return "" } }
        #expect((0..<second.corpus.documentCount).map { Array(second.corpus.tokens($0)) } == texts.map { Self.tokenizer.encode($0, addBOS: false) })
        // Text objectives share the tokens; conversations would not.
        let ul2 = try TrainingData(path: file, tokenizer: Self.tokenizer, options: DataOptions(objective: .ul2, sequenceLength: 64))
        #expect(ul2.reusedCache && ul2.cacheURL == cache)
    }

    @Test func changedDataOrTokenizerGetsANewCache() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let data = dir.appendingPathComponent("data")
        try DataTestSupport.write(DataTestSupport.sentences(40, seed: 1), to: data.appendingPathComponent("a.txt"))
        let options = DataOptions(objective: .clm, batchSize: 2, sequenceLength: 32)
        let original = try TrainingData(path: data, tokenizer: Self.tokenizer, options: options)
        let originalCache = try #require(original.cacheURL)
        #expect(originalCache.deletingLastPathComponent().path == dir.path)

        // New contents of the same size (written now, after the cache).
        let a = data.appendingPathComponent("a.txt")
        let text = try String(contentsOf: a, encoding: .utf8)
        try DataTestSupport.write(String(text.reversed()), to: a)
        let edited = try TrainingData(path: data, tokenizer: Self.tokenizer, options: options)
        #expect(!edited.reusedCache && edited.cacheURL != originalCache)
        #expect(TrainingDataTests.epoch(edited) != TrainingDataTests.epoch(original))
        // The cache of the old contents is gone; only the new one is left.
        #expect(try Self.caches(in: dir) == [edited.cacheURL!.lastPathComponent])

        // Only the modification time changes (here: back in time): still rebuilt, as the contents might
        // have changed; the newer caches are kept, as they are not older than the data.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -1000)], ofItemAtPath: a.path)
        #expect(try !TrainingData(path: data, tokenizer: Self.tokenizer, options: options).reusedCache)

        // A new file in the directory.
        try DataTestSupport.write("More text.", to: data.appendingPathComponent("b.md"))
        #expect(try !TrainingData(path: data, tokenizer: Self.tokenizer, options: options).reusedCache)

        // Another tokenizer (the SentencePiece model of the same fixture).
        let viaSentencePiece = try TrainingData(path: data, tokenizer: TokenizerFixtures.sentencePiece, options: options)
        #expect(!viaSentencePiece.reusedCache)
        #expect(try TrainingData(path: data, tokenizer: TokenizerFixtures.sentencePiece, options: options).reusedCache)
        #expect(try TrainingData(path: data, tokenizer: Self.tokenizer, options: options).reusedCache)
        // Adding b.md made the caches before it stale; the two tokenizers' caches since then remain.
        #expect(try Self.caches(in: dir).count == 2)
    }

    @Test func fingerprintSeesTokenizerFilesAndBehaviour() throws {
        func key(_ tokenizer: any Tokenizer) throws -> UInt64 {
            var h = StableHasher()
            try TokenizerFingerprint.combine(tokenizer, into: &h)
            return h.value
        }
        let json = TokenizerFixtures.gemmaLike.appendingPathComponent("tokenizer.json")
        let fromFile = try HFTokenizer(contentsOf: json)
        let fromData = try HFTokenizer(data: Data(contentsOf: json), source: "in memory")
        #expect(TokenizerFingerprint.sourceFiles(of: fromFile).map(\.lastPathComponent) == ["tokenizer.json", "tokenizer_config.json"])
        #expect(TokenizerFingerprint.sourceFiles(of: fromData).isEmpty)
        #expect(try key(fromFile) == key(HFTokenizer(contentsOf: json)))
        #expect(try key(fromFile) != key(fromData))
        // The same vocabulary with other settings: a different key.
        let noBOS = try HFTokenizer(data: Data(contentsOf: json), source: "in memory", config: TokenizerConfig(addBOSToken: false))
        let otherPad = try HFTokenizer(data: Data(contentsOf: json), source: "in memory", config: TokenizerConfig(padToken: "<unk>"))
        #expect(try Set([key(fromData), key(noBOS), key(otherPad)]).count == 3)
    }

    @Test func damagedCacheIsRebuilt() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let file = dir.appendingPathComponent("c.jsonl")
        try DataTestSupport.write(DataTestSupport.chatJSONL(conversations: 6, seed: 2), to: file)
        let options = DataOptions(objective: .sft, batchSize: 2, sequenceLength: 128)
        let good = try TrainingData(path: file, tokenizer: Self.tokenizer, options: options)
        let cache = try #require(good.cacheURL)
        let bytes = try Data(contentsOf: cache)
        let reference = TrainingDataTests.epoch(good)

        var damaged: [Data] = [Data(bytes.prefix(bytes.count - 8)), Data(bytes.prefix(20)), Data()]
        var badToken = bytes
        let layout = TokenCorpus.layout(documents: good.corpus.documentCount, tokens: good.corpus.tokenCount, kind: .conversations)
        badToken.replaceSubrange(layout.tokens..<layout.tokens + 4, with: [0xFF, 0xFF, 0xFF, 0x7F])
        damaged.append(badToken)
        var badOffsets = bytes
        badOffsets.replaceSubrange(layout.offsets + 8..<layout.offsets + 16, with: [UInt8](repeating: 0xFF, count: 8))
        damaged.append(badOffsets)
        for contents in damaged {
            try contents.write(to: cache)
            let rebuilt = try TrainingData(path: file, tokenizer: Self.tokenizer, options: options)
            #expect(!rebuilt.reusedCache)
            #expect(TrainingDataTests.epoch(rebuilt) == reference)
            #expect(try Data(contentsOf: cache) == bytes)
        }
    }

    @Test func inMemoryCorpusReadsTheSameLayout() throws {
        var builder = TokenCorpusBuilder(kind: .conversations)
        builder.append([2, 5, 6], startsDocument: true, endsDocument: true, learn: [0, 1, 1])
        builder.append([], startsDocument: true, endsDocument: true, learn: [])
        builder.append([2, 7], startsDocument: true, endsDocument: false, learn: [0, 1])
        let corpus = try TokenCorpus(data: builder.data(key: 42, vocabularySize: 10), key: 42, vocabularySize: 10)
        #expect(!corpus.isMapped && corpus.documentCount == 2 && corpus.tokenCount == 5)
        #expect(Array(corpus.tokens(1)) == [2, 7] && Array(corpus.learn(1)!) == [0, 1])
        #expect(corpus.startsDocument(1) && !corpus.endsDocument(1))
        #expect(throws: TokenCorpus.Invalid.self) { try TokenCorpus(data: builder.data(key: 42, vocabularySize: 10), key: 43, vocabularySize: 10) }
        #expect(throws: TokenCorpus.Invalid.self) { try TokenCorpus(data: builder.data(key: 42, vocabularySize: 7), key: 42, vocabularySize: 7) }
    }
}
