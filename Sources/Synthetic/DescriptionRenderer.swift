/// What a description can say about a person.
public enum PersonAttribute: String, Sendable, CaseIterable {
    case job, town, age, color, food, pet, friend, sibling
}

/// Renders a person as a short description ("Lomi is a baker. She lives in Brasu. ...") and records
/// the questions the description answers.
public enum DescriptionRenderer {
    /// Appends sentences about `person` covering `attributes` in order (an absent sibling is skipped).
    /// The first sentence names the person; later ones use the name or the pronoun.
    public static func describe(_ person: Person, attributes: [PersonAttribute], into passage: inout Passage,
                                _ rng: inout SynthRandom) {
        // The name comes first, and again after a sentence about someone else, where a pronoun would
        // be ambiguous ("Plugo is Tofus's sister. His ..."); otherwise name or pronoun at random.
        var useName = true
        for attribute in attributes {
            let n = useName || rng.chance(40) ? person.name : person.pronouns.Subject
            let poss = useName || rng.chance(40) ? person.name + "'s" : person.pronouns.Possessive
            if sentence(about: attribute, of: person, n: n, poss: poss, into: &passage, &rng) {
                useName = attribute == .friend || attribute == .sibling
            }
        }
    }

    /// One sentence and its questions; false if the person has nothing to say for `attribute`.
    static func sentence(about attribute: PersonAttribute, of p: Person, n: String, poss: String,
                         into passage: inout Passage, _ rng: inout SynthRandom) -> Bool {
        let name = p.name
        switch attribute {
        case .job:
            let a = Lexicon.article(for: p.job)
            passage.say(rng.pick(["\(n) is \(a) \(p.job).", "\(n) works as \(a) \(p.job).", "\(poss) job is \(p.job)."]))
        case .town:
            passage.say(rng.pick(["\(n) lives in \(p.town).", "\(n) lives in the town of \(p.town).",
                                  "\(poss) home is in \(p.town)."]))
        case .age:
            passage.say(rng.pick(["\(n) is \(p.age) years old.", "\(poss) age is \(p.age)."]))
        case .color:
            passage.say(rng.pick(["\(poss) favorite color is \(p.favoriteColor).",
                                  "\(n) likes the color \(p.favoriteColor) best."]))
        case .food:
            passage.say(rng.pick(["\(n) likes to eat \(p.food).", "\(poss) favorite food is \(p.food)."]))
        case .pet:
            let pet = p.pet, animal = pet.animal.singular
            passage.say(rng.pick([
                "\(n) has \(Lexicon.article(for: pet.color)) \(pet.color) \(animal) named \(pet.name).",
                "\(n) has a pet \(animal). It is \(pet.color) and its name is \(pet.name).",
                "\(poss) \(animal) is called \(pet.name). It is \(pet.color).",
            ]))
        case .friend:
            passage.say(rng.pick(["\(poss) friend is \(p.friend).", "\(n) is friends with \(p.friend).",
                                  "\(p.friend) is a friend of \(name)."]))
        case .sibling:
            guard let s = p.sibling else { return false }
            let word = s.pronouns.sibling
            passage.say(rng.pick(["\(n) has \(Lexicon.article(for: word)) \(word) named \(s.name).",
                                  "\(s.name) is \(name)'s \(word)."]))
        }
        ask(about: attribute, of: p, into: &passage, &rng)
        return true
    }

    /// Records the questions a statement of `attribute` answers.
    static func ask(about attribute: PersonAttribute, of p: Person, into passage: inout Passage,
                    _ rng: inout SynthRandom) {
        let name = p.name
        switch attribute {
        case .job:
            passage.ask(rng.pick(["What is \(name)'s job?", "What does \(name) do for work?",
                                  "What work does \(name) do?"]), p.job, about: "job \(name)")
        case .town:
            passage.ask(rng.pick(["Where does \(name) live?", "In which town does \(name) live?",
                                  "What is the name of \(name)'s town?"]), p.town, about: "town \(name)")
        case .age:
            passage.ask(rng.pick(["How old is \(name)?", "What is \(name)'s age?"]), String(p.age), .number,
                        about: "age \(name)")
        case .color:
            passage.ask(rng.pick(["What is \(name)'s favorite color?", "Which color does \(name) like best?"]),
                        p.favoriteColor, about: "color \(name)")
        case .food:
            passage.ask(rng.pick(["What does \(name) like to eat?", "What is \(name)'s favorite food?"]), p.food,
                        about: "food \(name)")
        case .pet:
            let pet = p.pet, animal = pet.animal.singular
            passage.ask(rng.pick(["What is the name of \(name)'s \(animal)?", "What is \(name)'s \(animal) called?"]),
                        pet.name, about: "pet name \(name)")
            passage.ask(rng.pick(["What kind of animal is \(pet.name)?", "What animal is \(pet.name)?"]), animal,
                        about: "pet kind \(pet.name)")
            passage.ask("What color is \(pet.name)?", pet.color, about: "pet color \(pet.name)")
        case .friend:
            passage.ask(rng.pick(["Who is \(name)'s friend?", "Who is a friend of \(name)?"]), p.friend,
                        about: "friend \(name)")
        case .sibling:
            guard let s = p.sibling else { return }
            passage.ask("Who is \(name)'s \(s.pronouns.sibling)?", s.name, about: "sibling \(name)")
        }
    }

    /// A description of a town ("Brasu is a small town by the river. People in Brasu grow plums.").
    public static func describe(_ town: Town, into passage: inout Passage, _ rng: inout SynthRandom) {
        let article = Lexicon.article(for: town.size)
        passage.say(rng.pick(["\(town.name) is \(article) \(town.size) town by the \(town.feature).",
                              "The town of \(town.name) lies by the \(town.feature). It is \(article) \(town.size) town."]))
        passage.say(rng.pick(["People in \(town.name) grow \(town.crop.plural).",
                              "Many \(town.crop.plural) grow in \(town.name)."]))
        passage.ask("What do people grow in \(town.name)?", town.crop.plural, about: "crop \(town.name)")
        passage.ask("What is \(town.name) next to?", town.feature, about: "feature \(town.name)")
    }
}
