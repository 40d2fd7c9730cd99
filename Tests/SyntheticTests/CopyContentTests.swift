import Foundation
@testable import Synthetic
import Testing

/// What copy requests ask to copy (`Phrases`): codes in the shapes people type (cases, separators, one to three
/// parts), each on its generator's side of the train / held-out divide; sentences whose words facts do not predict.
@Suite struct CopyContentTests {
    @Test func codesVaryInCaseAndSeparatorAndKeepToTheirSplit() {
        for split in DataSplit.allCases {
            let names = NameGenerator(split: split)
            var rng = SynthRandom(seed: 5)
            let codes = (0..<600).map { _ in Phrases.code(names: names, &rng) }
            for code in codes {
                let core = code.filter { $0.isLetter || $0.isNumber }
                #expect((2...9).contains(core.count) && core.allSatisfy(\.isASCII), "\(code)")
                #expect(code == code.lowercased() || code == code.uppercased(), "\(code)")
                #expect(DataSplit.of(name: core.lowercased().capitalizedFirst) == split, "\(code)")
            }
            let separated = codes.filter { $0.contains { "-_./".contains($0) } }
            let upper = codes.filter { $0.contains(where: \.isUppercase) }
            #expect(separated.count > 300 && separated.count < 500, "\(separated.count) of 600 with a separator")
            #expect(upper.count > 150 && upper.count < 400, "\(upper.count) of 600 in capitals")
            #expect(codes.contains { $0.contains("-") } && codes.contains { $0.contains("/") })
            // The robustness set's shape ("QX7-42") stays unseen.
            let robustShaped = codes.filter { code in
                let parts = code.split(separator: "-", omittingEmptySubsequences: false)
                return parts.count == 2 && parts.allSatisfy { (2...3).contains($0.count) } && code != code.lowercased()
            }
            #expect(robustShaped.isEmpty, "\(robustShaped)")
        }
    }

    /// Half the named sentences hold list words (lexicon, made-up, letter strings) in open forms, and none holds
    /// a robustness word or deed.
    @Test func namedSentencesMixFixedAndOpenFormsWithoutRobustnessWords() {
        var names = NameGenerator(split: .train)
        var rng = SynthRandom(seed: 6)
        let sentences = (0..<400).map { _ in Phrases.namedSentence(names.next(&rng), names: &names, &rng) }
        // Three of the four open forms have a deed: about 150 of 400.
        let withDeed = sentences.filter { s in Phrases.deeds.contains { s.contains(" \($0) ") } }
        #expect(withDeed.count > 100 && withDeed.count < 200, "\(withDeed.count) of 400 with a deed")
        for sentence in sentences {
            #expect(sentence.hasSuffix("."), "\(sentence)")
            let words = sentence.dropLast().split(separator: " ").map { String($0).lowercased() }
            #expect(!words.contains { RobustWords.all.contains($0) || RobustPhrases.deeds.contains($0) }, "\(sentence)")
        }
    }
}
