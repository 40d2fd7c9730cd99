import Foundation
@testable import Synthetic
import Testing

/// Codes in copy requests (`Phrases.code`): the shapes people type (cases, separators, one to three parts),
/// each on its generator's side of the train / held-out divide.
@Suite struct CopyCodeTests {
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
}
