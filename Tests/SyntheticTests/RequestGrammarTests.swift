@testable import Synthetic
import Testing

/// The training request grammar: many wordings per task, the content always shown as given, and
/// never a wording of the robustness set.
@Suite struct RequestGrammarTests {
    /// Every task's grammar, as a request about the content "§".
    static let grammars: [(String, (inout SynthRandom) -> String)] = [
        ("copy", { RequestGrammar.request(TextPhrasings.copy(&$0), content: "§", &$0) }),
        ("upper", { RequestGrammar.request(TextPhrasings.upper(&$0), content: "§", &$0) }),
        ("lower", { RequestGrammar.request(TextPhrasings.lower(&$0), content: "§", &$0) }),
        ("title", { RequestGrammar.request(TextPhrasings.title(&$0), content: "§", &$0) }),
        ("pig latin", { RequestGrammar.request(TextPhrasings.pigLatin(&$0), content: "§", &$0) }),
        ("from pig latin", { RequestGrammar.request(TextPhrasings.fromPigLatin(&$0), content: "§", &$0) }),
        ("shift", { RequestGrammar.request(TextPhrasings.shift(forward: $0.chance(50), &$0), content: "§", &$0) }),
        ("sort words", { RequestGrammar.request(ListPhrasings.sortWords(&$0), content: "§", &$0) }),
        ("sort numbers", { RequestGrammar.request(ListPhrasings.sortNumbers(descending: $0.chance(50), &$0), content: "§", &$0) }),
        ("reverse", { RequestGrammar.request(ListPhrasings.reverseList(&$0), content: "§", &$0) }),
        ("reverse letters", { RequestGrammar.request(ListPhrasings.reverseLetters("§", &$0), &$0) }),
        ("dedupe", { RequestGrammar.request(ListPhrasings.dedupe(&$0), content: "§", &$0) }),
        ("add", { RequestGrammar.render(NumberPhrasings.arithmetic(.add, 17, 25, &$0), &$0) }),
        ("subtract", { RequestGrammar.render(NumberPhrasings.arithmetic(.subtract, 42, 17, &$0), &$0) }),
        ("multiply", { RequestGrammar.render(NumberPhrasings.arithmetic(.multiply, 6, 7, &$0), &$0) }),
        ("letters", { RequestGrammar.render(NumberPhrasings.letterCount("§", &$0), &$0) }),
        ("items", { RequestGrammar.render(NumberPhrasings.itemCount(&$0), content: "§", &$0) }),
    ]

    @Test func everyTaskHasHundredsOfWordingsAndShowsItsContent() {
        var rng = SynthRandom(seed: 5)
        for (name, draw) in Self.grammars {
            var wordings = Set<String>()
            for _ in 0..<3000 {
                let request = draw(&rng)
                wordings.insert(request)
                #expect(request.contains("§") || name == "add" || name == "subtract" || name == "multiply", "\(name): \(request)")
                #expect(request.first!.isUppercase || request.first == "§", "\(name): \(request)")
            }
            #expect(wordings.count >= 100, "\(name): \(wordings.count) wordings")
        }
    }

    @Test func heldOutWordingsAreRecognisedWhateverThePunctuation() {
        // "Flip the order of these: {list}" is a robustness request.
        #expect(RequestGrammar.containsHeldOutWording("Can you flip the order of these? 1, 2"))
        #expect(RequestGrammar.containsHeldOutWording("FLIP THE ORDER OF THESE!"))
        #expect(!RequestGrammar.containsHeldOutWording("Reverse the order of these: 1, 2"))
        // Whole words only: a wording inside a longer word does not count.
        #expect(!RequestGrammar.containsHeldOutWording("Reflip the order of these"))
        #expect(RequestGrammar.heldOutWordings.count > 100)
    }

    @Test func grammarNeverProducesARobustnessWording() {
        var rng = SynthRandom(seed: 6)
        for (name, draw) in Self.grammars {
            for _ in 0..<2000 {
                let request = draw(&rng)
                #expect(!RequestGrammar.containsHeldOutWording(request), "\(name): \(request)")
            }
        }
    }

    @Test func followUpsReadAsRequestsAboutThePreviousAnswer() {
        var rng = SynthRandom(seed: 7)
        for _ in 0..<500 {
            let add = RequestGrammar.render(NumberPhrasings.followUp(.add, 4, &rng), &rng)
            #expect(add.contains("4") && (add.hasSuffix("?") || add.hasSuffix(".")), "\(add)")
            let sort = RequestGrammar.request(ListPhrasings.sortFollowUp(numbers: true, &rng), &rng)
            #expect(["sort", "order", "arrange"].contains { sort.lowercased().contains($0) }, "\(sort)")
        }
    }

    /// A follow-up's "now"/"next,"/"then" leads the sentence; an opener never comes before it.
    @Test func sequenceWordsLeadFollowUps() {
        #expect(RequestGrammar.opened("Could you ", "next, reverse it") == "Next, could you reverse it")
        #expect(RequestGrammar.opened("Now please ", "then sort that") == "Then, please sort that")
        #expect(RequestGrammar.opened("Help me out and ", "reverse it") == "Help me out and reverse it")
        var rng = SynthRandom(seed: 8)
        for _ in 0..<2000 {
            let follow = RequestGrammar.request(ListPhrasings.reverseFollowUp(&rng), &rng)
            let lower = follow.lowercased()
            for opener in RequestGrammar.politeOpeners + RequestGrammar.questionOpeners + RequestGrammar.wishOpeners {
                for word in RequestGrammar.sequenceWords {
                    #expect(!lower.contains((opener + word).lowercased()), "\(follow)")
                }
            }
        }
    }
}
