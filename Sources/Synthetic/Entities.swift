/// He or she, and the words that go with it.
public struct Pronouns: Sendable, Equatable {
    /// "he" / "she".
    public let subject: String
    /// "him" / "her".
    public let object: String
    /// "his" / "her".
    public let possessive: String
    /// "brother" / "sister".
    public let sibling: String

    public static let he = Pronouns(subject: "he", object: "him", possessive: "his", sibling: "brother")
    public static let she = Pronouns(subject: "she", object: "her", possessive: "her", sibling: "sister")

    /// "He" / "She" at the start of a sentence.
    public var Subject: String { subject.capitalizedFirst }
    /// "His" / "Her" at the start of a sentence.
    public var Possessive: String { possessive.capitalizedFirst }
}

/// An animal someone keeps.
public struct Pet: Sendable, Equatable {
    public var name: String
    public var animal: Noun
    public var color: String
}

/// A town of the world.
public struct Town: Sendable, Equatable {
    public var name: String
    /// "small", "busy", ...
    public var size: String
    /// What it lies beside: "river", "hill", ...
    public var feature: String
    /// What people there grow.
    public var crop: Noun
}

/// A person of the world, with the attributes passages describe and questions ask about.
public struct Person: Sendable, Equatable {
    public var name: String
    public var pronouns: Pronouns
    public var age: Int
    public var job: String
    /// Name of the home town.
    public var town: String
    public var favoriteColor: String
    public var food: String
    public var pet: Pet
    /// Name of a friend (another person).
    public var friend: String
    /// A brother or sister, if any.
    public var sibling: Sibling?
}

/// A person's brother or sister, by name.
public struct Sibling: Sendable, Equatable {
    public var name: String
    /// The sibling's own pronouns: they decide "brother" or "sister".
    public var pronouns: Pronouns
}

extension String {
    /// The string with its first character uppercased ("he" -> "He").
    public var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
