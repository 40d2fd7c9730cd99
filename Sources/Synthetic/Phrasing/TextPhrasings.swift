/// The request grammar's parts for copy, capitalise and cipher (see `ListPhrasings`).
enum TextPhrasings {
    typealias Form = [[String]]

    /// What a request calls the text that follows it.
    static let texts = ["this", "this text", "the text", "the following", "the text below", "these words",
                        "what follows", "this line", "this sentence", "the line below", "this phrase", "the words below"]

    static func copy(_ rng: inout SynthRandom) -> Form {
        rng.pick([
            [["repeat ", "copy ", "write ", "write out ", "rewrite ", "type ", "print ", "say ", "give back ",
              "repeat back ", "copy out ", "restate ", "echo ", "output ", "write down "], texts,
             ["", " exactly", " word for word", " as it is", " without changing anything", " letter for letter",
              " verbatim", " precisely", " back to me", " just as it is", " character for character"]],
            [["say ", "write ", "type "], ["exactly ", "precisely "], texts],
            [["repeat after me", "copy me exactly", "say it back", "please repeat"]],
        ])
    }

    static func upper(_ rng: inout SynthRandom) -> Form {
        let capitals = ["capital letters", "capitals", "upper case", "uppercase", "all caps", "block capitals",
                        "all capital letters", "only capitals", "big letters"]
        return rng.pick([
            [["write ", "rewrite ", "put ", "give me ", "print ", "set ", "type "], texts, [" in "], capitals],
            [["convert ", "change ", "turn ", "switch "], texts, [" to ", " into "], capitals],
            [["uppercase ", "capitalise every letter of ", "capitalize all the letters in ", "make every letter a capital in "],
             texts],
        ])
    }

    static func lower(_ rng: inout SynthRandom) -> Form {
        let small = ["small letters", "lower case", "lowercase", "all lowercase", "lower-case letters", "small type"]
        return rng.pick([
            [["write ", "rewrite ", "put ", "give me ", "print ", "set ", "type "], texts, [" in "], small],
            [["convert ", "change ", "turn ", "switch "], texts, [" to ", " into "], small],
            [["lowercase ", "take the capitals out of ", "remove the capitals from ", "make every letter small in ",
              "get rid of the capital letters in "], texts],
        ])
    }

    static func title(_ rng: inout SynthRandom) -> Form {
        rng.pick([
            [["capitalise ", "capitalize "], ["each word", "every word", "each word of this", "every word in the text",
                                             "every word of the following", "the words"]],
            [["write ", "rewrite ", "put ", "give me ", "convert ", "turn "], texts, [" in title case", " into title case",
                                                                                 " with a capital on every word"]],
            [["give "], ["each word", "every word"], [" a capital", " a capital letter"]],
            [["start ", "begin "], ["each word", "every word"], [" with a capital", " with a capital letter"]],
            [["make the first letter of ", "capitalise the first letter of ", "use a capital for the first letter of "],
             ["each word", "every word"]],
        ])
    }

    /// A follow-up asking for the previous answer in another case.
    static func caseFollowUp(_ target: CapitaliseTask.Mode) -> Form {
        let how: [String] = switch target {
        case .upper: [" in capital letters", " in capitals", " in upper case", " in all caps", " in uppercase"]
        case .lower: [" in small letters", " in lower case", " in lowercase", " without capitals"]
        case .title: [" in title case", " with a capital on every word", " with each word capitalised"]
        }
        return [["now ", "next, ", "then ", ""], ["write it", "say it again", "put it", "repeat it", "give it to me",
                                                 "write that", "rewrite it"], how]
    }

    static func pigLatin(_ rng: inout SynthRandom) -> Form {
        [["turn ", "translate ", "write ", "convert ", "put ", "encode ", "say ", "rewrite "], texts,
         [" into pig latin", " in pig latin", " to pig latin"]]
    }

    static func fromPigLatin(_ rng: inout SynthRandom) -> Form {
        rng.pick([
            [["translate ", "turn ", "convert ", "change "], texts, [" from pig latin", " back from pig latin"],
             ["", " into plain words", " to normal words"]],
            [["decode ", "undo ", "reverse "], ["the pig latin in ", "the pig latin of "], texts],
        ])
    }

    static func shift(forward: Bool, _ rng: inout SynthRandom) -> Form {
        let direction = forward ? ["forward", "ahead", "on", "up"] : ["back", "backward", "down"]
        return rng.pick([
            [["shift ", "move ", "advance ", "push "], ["each letter", "every letter", "all the letters"], [" of ", " in "],
             texts, [" "], direction, [" by one", " one place", " one step", " one position"], ["", " in the alphabet"]],
            [["replace each letter in ", "swap every letter of "], texts,
             [forward ? " with the next letter of the alphabet" : " with the letter before it in the alphabet",
              forward ? " with the letter after it" : " with the previous letter of the alphabet"]],
            [["apply a shift of ", "use a shift of "], [forward ? "+1" : "-1", forward ? "one" : "minus one"], [" to "], texts],
        ])
    }
}
