/// A countable noun with its plural written out (no rules to get wrong: "box" -> "boxes").
public struct Noun: Sendable, Equatable {
    public let singular: String
    public let plural: String

    init(_ singular: String, _ plural: String? = nil) {
        self.singular = singular
        self.plural = plural ?? singular + "s"
    }

    /// "1 cat", "3 cats".
    public func counted(_ n: Int) -> String { "\(n) " + (n == 1 ? singular : plural) }

    /// "one cat", "three cats" (number words up to twenty, digits beyond).
    public func countedInWords(_ n: Int) -> String { Lexicon.numberWord(n) + " " + (n == 1 ? singular : plural) }

    /// "a cat", "an owl".
    public var withArticle: String { Lexicon.article(for: singular) + " " + singular }
}

/// The small, fixed vocabulary of the synthetic world. Every common word the generator writes comes
/// from here or from the templates; proper names come from `NameGenerator`. Kept small and regular so
/// that a ~10M-parameter model can learn the whole language.
public enum Lexicon {
    public static let colors = ["red", "blue", "green", "yellow", "black", "white", "brown", "pink", "gray",
                                "purple", "gold", "silver"]

    public static let animals: [Noun] = [
        Noun("cat"), Noun("dog"), Noun("fox", "foxes"), Noun("owl"), Noun("bear"), Noun("duck"), Noun("frog"),
        Noun("goat"), Noun("horse"), Noun("rabbit"), Noun("bird"), Noun("pig"), Noun("cow"), Noun("hen"),
        Noun("crab"), Noun("mole"), Noun("seal"), Noun("swan"),
    ]

    public static let objects: [Noun] = [
        Noun("ball"), Noun("book"), Noun("box", "boxes"), Noun("cup"), Noun("hat"), Noun("key"), Noun("kite"),
        Noun("lamp"), Noun("map"), Noun("pen"), Noun("ring"), Noun("shoe"), Noun("bag"), Noun("bell"),
        Noun("boat"), Noun("chair"), Noun("clock"), Noun("coin"), Noun("drum"), Noun("flag"), Noun("stone"),
        Noun("shell"), Noun("basket"), Noun("candle"), Noun("brush", "brushes"), Noun("spoon"), Noun("bowl"),
        Noun("rope"),
    ]

    public static let fruits: [Noun] = [
        Noun("apple"), Noun("pear"), Noun("plum"), Noun("lemon"), Noun("peach", "peaches"),
        Noun("cherry", "cherries"), Noun("melon"), Noun("grape"), Noun("berry", "berries"), Noun("nut"),
        Noun("egg"), Noun("fig"),
    ]

    /// What people like to eat, in the form "likes to eat ___".
    public static let foods = ["bread", "cheese", "soup", "rice", "honey", "cake", "beans", "apples", "plums",
                               "pie", "corn", "jam", "pears", "nuts"]

    public static let jobs = ["baker", "farmer", "teacher", "painter", "doctor", "singer", "sailor", "builder",
                              "tailor", "miller", "fisher", "potter", "hunter", "guard", "cook", "nurse", "writer",
                              "driver"]

    /// Where characters go in stories ("the lake").
    public static let outings = ["lake", "river", "forest", "hill", "market", "park", "beach", "garden", "mill",
                                 "bridge", "field", "school", "farm", "harbor"]

    /// What a town lies beside.
    public static let townFeatures = ["river", "lake", "hill", "forest", "sea", "valley"]

    public static let townSizes = ["small", "big", "quiet", "busy", "old", "new"]

    public static let moods = ["happy", "sad", "tired", "calm", "proud", "glad", "scared", "sleepy"]

    public static let days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    public static let timesOfDay = ["morning", "afternoon", "evening"]

    /// Short words for the list and string tasks: all the nouns, colors and a few more.
    public static let listWords: [String] = {
        var words = colors + animals.map(\.singular) + objects.map(\.singular) + fruits.map(\.singular)
        words += ["sun", "moon", "star", "tree", "leaf", "rain", "snow", "wind", "road", "door"]
        var seen = Set<String>()
        return words.filter { seen.insert($0).inserted }
    }()

    /// Every common word above, lowercased: generated names never equal one of them.
    public static let allWords: Set<String> = {
        var words = Set(listWords)
        for list in [foods, jobs, outings, townFeatures, townSizes, moods, timesOfDay] { words.formUnion(list) }
        words.formUnion(days.map { $0.lowercased() })
        words.formUnion(animals.map(\.plural) + objects.map(\.plural) + fruits.map(\.plural))
        words.formUnion(numberWords)
        words.formUnion(TemplateWords.all)
        return words
    }()

    public static let numberWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                                     "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                                     "seventeen", "eighteen", "nineteen", "twenty"]

    /// "three" for 3; digits above twenty.
    public static func numberWord(_ n: Int) -> String {
        n >= 0 && n < numberWords.count ? numberWords[n] : String(n)
    }

    /// "a" or "an" by the first letter (the vocabulary has no "hour"/"unicorn" exceptions).
    public static func article(for word: String) -> String {
        guard let first = word.first else { return "a" }
        return "aeiou".contains(first) ? "an" : "a"
    }
}

/// Function words the templates use; names must not collide with them either ("Then", "Her").
enum TemplateWords {
    static let all = Set([
        "a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "by", "with", "from", "for", "is", "are",
        "was", "were", "has", "had", "have", "he", "she", "his", "her", "him", "they", "them", "their", "it", "its",
        "who", "what", "where", "when", "which", "how", "many", "much", "then", "one", "day", "once", "there",
        "here", "this", "that", "these", "those", "new", "old", "more", "name", "named", "called", "lives", "live",
        "likes", "like", "friend", "friends", "sister", "brother", "town", "home", "went", "saw", "took", "gave",
        "found", "made", "said", "back", "next", "near", "after", "before", "years", "year", "answer", "question",
        "list", "word", "words", "letter", "letters", "text", "read", "sort", "reverse", "copy", "now", "so",
        "but", "not", "no", "yes", "all", "each", "every", "some", "left", "total", "now", "again", "also",
        "ago", "am", "be", "been", "do", "does", "did", "get", "gets", "got", "go", "goes", "see", "sees",
        // Phrases.verbs: title case writes them with a capital, where a made-up word must not look the same.
        "sat", "ran", "looked", "walked", "slept", "jumped", "over",
    ])
}
