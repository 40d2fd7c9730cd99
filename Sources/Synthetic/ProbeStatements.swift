/// A classification example for probing frozen representations: a text and a binary label.
public struct ProbeExample: Sendable, Equatable {
    public var text: String
    public var label: Bool
}

/// True/false statements about a passage, for `duet eval probe`: a passage of the synthetic world
/// followed by one of its questions and an answer, which is the passage's answer (true) or the answer
/// of another question of the same passage and of the same kind, a name for a name, a number for a
/// number (false). Only reading the passage tells them apart. Names come from one split, so a
/// held-out set shares no name with a training set; half the examples are true.
public enum ProbeStatements {
    public static func make(count: Int, split: DataSplit, seed: UInt64) -> [ProbeExample] {
        var rng = SynthRandom(seed: seed)
        var names = NameGenerator(split: split)
        var out: [ProbeExample] = []
        while out.count < count {
            let passage = PassageQATask.makePassage(names: &names, &rng)
            let wantTrue = out.count % 2 == 0
            guard !passage.questions.isEmpty, let asked = rng.sample(passage.questions, count: 1).first else { continue }
            var answer = asked.answer
            if !wantTrue {
                let isNumber = Int(asked.answer) != nil
                let others = passage.questions.map(\.answer).filter {
                    $0.lowercased() != asked.answer.lowercased() && (Int($0) != nil) == isNumber
                }
                guard !others.isEmpty, let other = rng.sample(others, count: 1).first else { continue }
                answer = other
            }
            out.append(ProbeExample(text: passage.text + "\n\nQuestion: " + asked.question + "\nAnswer: " + answer, label: wantTrue))
        }
        return out
    }

    /// Yes/no comparisons of two people a passage describes: "Is A older than B?", true when A is the
    /// older (their ages differ; both ages are stated, among three to five other facts; half are true).
    public static func older(count: Int, split: DataSplit, seed: UInt64) -> [ProbeExample] {
        var rng = SynthRandom(seed: seed)
        var names = NameGenerator(split: split)
        var out: [ProbeExample] = []
        while out.count < count {
            let people = PassageQATask.people(2, names: &names, &rng)
            guard people[0].age != people[1].age else { continue }
            var passage = Passage()
            for person in people {
                var attributes = PassageQATask.attributes(of: person, &rng)
                if !attributes.contains(.age) { attributes.insert(.age, at: rng.below(attributes.count + 1)) }
                DescriptionRenderer.describe(person, attributes: attributes, into: &passage, &rng)
            }
            let wantTrue = out.count % 2 == 0
            let firstIsOlder = people[0].age > people[1].age
            let (a, b) = wantTrue == firstIsOlder ? (people[0], people[1]) : (people[1], people[0])
            out.append(ProbeExample(text: passage.text + "\n\nQuestion: Is \(a.name) older than \(b.name)?", label: a.age > b.age))
        }
        return out
    }
}
