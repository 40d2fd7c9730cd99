/// Renders people as plain facts: one statement per line, or a record card ("Name: Lomi. Job: baker.").
public enum FactRenderer {
    /// One fact per line about each of `people`, `perPerson` facts each, in a shuffled order.
    public static func factLines(about people: [Person], perPerson: Int, _ rng: inout SynthRandom) -> String {
        var lines: [String] = []
        for p in people {
            let attributes = rng.sample(PersonAttribute.allCases.filter { $0 != .sibling || p.sibling != nil },
                                        count: min(perPerson, PersonAttribute.allCases.count - (p.sibling == nil ? 1 : 0)))
            for a in attributes {
                var passage = Passage()
                _ = DescriptionRenderer.sentence(about: a, of: p, n: p.name, poss: p.name + "'s", into: &passage, &rng)
                lines.append(passage.text)
            }
        }
        return rng.shuffled(lines).joined(separator: "\n")
    }

    /// A record card about `person` with the given fields, and the questions it answers.
    public static func card(_ p: Person, attributes: [PersonAttribute], into passage: inout Passage,
                            _ rng: inout SynthRandom) {
        var fields = ["Name: \(p.name)."]
        for a in attributes {
            switch a {
            case .job: fields.append("Job: \(p.job).")
            case .town: fields.append("Town: \(p.town).")
            case .age: fields.append("Age: \(p.age).")
            case .color: fields.append("Favorite color: \(p.favoriteColor).")
            case .food: fields.append("Favorite food: \(p.food).")
            case .pet: fields.append("Pet: \(Lexicon.article(for: p.pet.color)) \(p.pet.color) \(p.pet.animal.singular) named \(p.pet.name).")
            case .friend: fields.append("Friend: \(p.friend).")
            case .sibling:
                guard let s = p.sibling else { continue }
                fields.append("\(s.pronouns.sibling.capitalizedFirst): \(s.name).")
            }
            DescriptionRenderer.ask(about: a, of: p, into: &passage, &rng)
        }
        if !passage.text.isEmpty { passage.text += "\n" }
        passage.text += fields.joined(separator: " ")
    }
}
