/// The request grammar's parts for sort, reverse and dedupe: each form is a list of slots, one
/// alternative drawn from each (`RequestGrammar.compose`).
enum ListPhrasings {
    typealias Form = [[String]]

    /// What a request calls the list that follows it.
    static let lists = ["this list", "these", "these items", "the list", "the following", "the items below",
                        "the list below", "this sequence", "the following list", "these entries", "my list"]
    static let numberLists = lists + ["these numbers", "the numbers below", "the following numbers"]

    static func sortWords(_ rng: inout SynthRandom) -> Form {
        rng.pick([
            [["sort ", "order ", "arrange ", "list ", "put "], lists, [" alphabetically", " in alphabetical order",
                                                                     " by the alphabet", " in a to z order"]],
            [["sort ", "order ", "arrange ", "rewrite "], lists, [" from a to z", " a to z", " in order from a to z"]],
            [["alphabetise ", "alphabetize "], lists],
            [["put ", "place ", "get "], lists, [" into alphabetical order", " in the order of the alphabet"]],
        ])
    }

    static func sortNumbers(descending: Bool, _ rng: inout SynthRandom) -> Form {
        let ranges = descending
            ? [" from largest to smallest", " from highest to lowest", " from biggest to smallest", " from big to small",
               " in descending order", " largest first", " with the biggest first", " in decreasing order", " high to low"]
            : [" from smallest to largest", " from lowest to highest", " from small to big", " in ascending order",
               " smallest first", " with the smallest first", " in increasing order", " low to high", ""]
        return rng.pick([
            [["sort ", "order ", "arrange ", "list ", "put ", "rewrite "], numberLists, ranges],
            [["sort ", "order "], numberLists, descending ? [" descending"] : [" ascending", ""]],
        ])
    }

    static func reverseList(_ rng: inout SynthRandom) -> Form {
        rng.pick([
            [["reverse "], lists],
            [["reverse the order of ", "invert the order of ", "turn around "], lists],
            [["write ", "list ", "put ", "give me ", "rewrite ", "print "], lists,
             [" in reverse order", " in reverse", " backwards", " from last to first", " back to front",
              " last item first", " the other way round"]],
        ])
    }

    /// Reversing the letters of `word`.
    static func reverseLetters(_ word: String, _ rng: inout SynthRandom) -> Form {
        rng.pick([
            [["spell ", "write ", "print "], [word, "the word \(word)"], [" backwards", " in reverse", " from the end"]],
            [["reverse ", "flip "], ["the letters of ", "the letters in ", "the spelling of "], [word, "the word \(word)"]],
            [["write the letters of ", "list the letters of ", "spell out the letters of "], [word],
             [" in reverse order", " backwards", " from last to first"]],
        ])
    }

    /// Questions about reversing the letters of `word`.
    static func reverseLettersQuestion(_ word: String, _ rng: inout SynthRandom) -> Form {
        rng.pick([
            [["what is ", "what's "], [word, "the word \(word)"], [" backwards", " reversed", " spelled backwards",
                                                                   " written in reverse"]],
            [["how do you spell ", "how would you write "], [word], [" backwards", " in reverse"]],
            [["what do you get if you reverse ", "what do you get when you reverse "], [word, "the letters of \(word)"]],
        ])
    }

    static func dedupe(_ rng: inout SynthRandom) -> Form {
        let how = ["", ", keeping the first of each", ", in order", ", keeping the order", " and keep the order"]
        return rng.pick([
            [["remove ", "delete ", "drop ", "take out ", "filter out ", "get rid of "],
             ["the duplicates", "duplicates", "the repeated items", "repeated items", "the repeats", "any repeats",
              "items that repeat"], [" from ", " in "], lists, how],
            [["deduplicate ", "dedupe "], lists, how],
            [["list ", "write ", "give me ", "show "], ["each item of ", "every item in "], lists, [" once", " only once",
                                                                                                " just once"]],
            [["keep one of each item in ", "keep the first of each item in ", "write out each item once from "], lists],
        ])
    }

    /// A follow-up that sorts the previous answer.
    static func sortFollowUp(numbers: Bool, _ rng: inout SynthRandom) -> Form {
        [["now ", "next, ", "then ", ""], ["sort ", "order ", "arrange "], ["it", "that", "the list", "them", "that list"],
         numbers ? [" from smallest to largest", " in ascending order", " smallest first", " from lowest to highest"]
             : [" alphabetically", " in alphabetical order", " from a to z"]]
    }

    /// A follow-up that reverses the previous answer.
    static func reverseFollowUp(_ rng: inout SynthRandom) -> Form {
        rng.pick([
            [["now ", "next, ", "then ", ""], ["reverse "], ["it", "that", "the list", "that list", "the order"]],
            [["now ", "next, ", ""], ["write ", "list ", "give me "], ["it", "that", "them"],
             [" in reverse order", " backwards", " from last to first"]],
        ])
    }

    /// A follow-up asking how many items the previous answer has.
    static func countFollowUp(_ rng: inout SynthRandom) -> Form {
        rng.pick([
            [["how many items "], ["are left", "remain", "are there now", "does it have", "are in it now"]],
            [["how many "], ["are left", "remain", "are there now", "items is that", "did you keep"]],
            [["and how long is "], ["it", "that list", "the new list"], [" now"]],
        ])
    }
}
