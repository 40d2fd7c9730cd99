/// Common English words the training data never uses, for the robustness set's list items, texts to
/// copy, case or encode, and words to count letters in.
///
/// None is a lexicon word (`Lexicon.allWords`) or a word of the training templates, and none has the
/// shape of a training name or of a made-up training word (`NameGenerator.pseudoWord`: consonants and
/// vowels alternating); a test checks all four. So a model that handles them handles words it has not
/// seen rather than recalling answers.
public enum RobustWords {
    public static let nouns = [
        "pepper", "ladder", "violin", "jacket", "puzzle", "pillow", "window", "blanket", "carpet", "mirror",
        "pencil", "rocket", "tunnel", "trolley", "hammer", "kettle", "bottle", "button", "castle", "cactus", "pocket",
        "ribbon", "saddle", "giraffe", "monkey", "parrot", "turtle", "spider", "lizard", "walrus", "beetle", "dolphin",
        "penguin", "carrot", "onion", "garlic", "cookie", "muffin", "waffle", "pickle", "noodle", "yogurt", "juice",
        "coffee", "pizza", "quilt", "whistle", "trumpet", "guitar", "piano", "banjo", "cello", "flute", "helmet",
        "glove", "scarf", "sweater", "sock", "wallet", "ticket", "stamp", "envelope", "parcel", "magnet", "compass",
        "anchor", "lantern", "needle", "cushion", "curtain", "fence", "shelf", "desk", "teapot", "flask", "kitchen",
        "bucket", "wheel", "engine", "tractor", "bicycle", "scooter", "canoe", "rainbow", "planet", "volcano",
        "island", "desert", "meadow", "orchard", "pebble", "crystal", "marble", "pearl", "copper", "velvet",
        "cotton", "crayon", "chalk",
    ]

    public static let adjectives = [
        "clumsy", "shiny", "fuzzy", "crispy", "sticky", "dusty", "muddy", "noisy", "snug", "chilly", "juicy", "sweet",
        "sour", "bitter", "salty", "spicy", "fresh", "clever", "gentle", "fancy", "smooth", "rough", "narrow",
        "shallow", "heavy", "empty", "hollow", "bright", "soft", "loud", "wild", "damp", "dry", "dirty", "clean", "rich",
        "young", "ancient", "modern", "strange", "famous", "lucky", "jolly", "grumpy", "cheerful", "curious",
        "frozen", "golden", "wooden", "plastic", "crunchy",
    ]

    /// Every robustness word: the list items and the words of texts.
    public static let list = nouns + adjectives

    /// `list` as a set, for membership tests.
    public static let all = Set(list)

    /// Nouns with a plain "s" plural, for word problems ("3 marbles").
    static let countables = ["marble", "pencil", "button", "ticket", "stamp", "cookie", "muffin", "crayon",
                             "pebble", "envelope", "magnet", "ribbon", "bottle", "parcel"].map { Noun($0) }
}
