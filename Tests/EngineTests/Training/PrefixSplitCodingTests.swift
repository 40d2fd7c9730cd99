import Foundation
import Testing
@testable import Engine

/// Run files and `duet runs show` print objective settings readably; run files written in the
/// synthesized form (`{"fixed": {"_0": 0.25}}`) still load.
@Suite struct PrefixSplitCodingTests {
    func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    @Test func readableFormRoundTrips() throws {
        #expect(try json([PrefixSplit.half]) == #"["half"]"#)
        #expect(try json(PrefixSplit.fixed(0.25)) == #"{"fixed":0.25}"#)
        #expect(try json(PrefixSplit.random(min: 0.2, max: 0.8)) == #"{"random":{"max":0.8,"min":0.2}}"#)
        #expect(try json(UL2Denoiser.Task.prefix(.fixed(0.25))) == #"{"prefix":{"fixed":0.25}}"#)
        #expect(!(try json(UL2Mixture.t5Gemma2)).contains("_0"))
        for split in [PrefixSplit.half, .fixed(0.3), .random(min: 0.1, max: 0.9)] {
            #expect(try decode([PrefixSplit].self, try json([split])) == [split])
        }
        #expect(try decode(UL2Mixture.self, try json(UL2Mixture.t5Gemma2)) == UL2Mixture.t5Gemma2)
    }

    @Test func synthesizedFormStillReads() throws {
        #expect(try decode(PrefixSplit.self, #"{"half":{}}"#) == .half)
        #expect(try decode(PrefixSplit.self, #"{"fixed":{"_0":0.25}}"#) == .fixed(0.25))
        #expect(try decode(PrefixSplit.self, #"{"random":{"min":0.2,"max":0.8}}"#) == .random(min: 0.2, max: 0.8))
        #expect(try decode(UL2Denoiser.Task.self, #"{"prefix":{"_0":{"fixed":{"_0":0.25}}}}"#) == .prefix(.fixed(0.25)))
        #expect(try decode(UL2Denoiser.Task.self, #"{"spanCorruption":{"meanSpanLength":3,"corruption":0.15}}"#)
                == .spanCorruption(meanSpanLength: 3, corruption: 0.15))
        #expect(throws: DecodingError.self) { try decode(PrefixSplit.self, #""quarter""#) }
    }
}
