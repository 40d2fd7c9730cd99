/// Questions over a passage given in the prompt: descriptions or record cards of one to three people
/// (invented for this passage, so only reading can answer), a town, or a short story.
enum PassageQATask {
    static func make(twoTurn: Bool, names: inout NameGenerator, _ rng: inout SynthRandom) -> TaskInstance {
        let passage = makePassage(names: &names, &rng)
        let asked = rng.sample(passage.questions, count: twoTurn && passage.questions.count > 1 ? 2 : 1)
        var turns = [TaskTurn(user: frame(passage.text, asked[0].question, &rng), answer: asked[0].answer,
                              check: asked[0].check)]
        if asked.count > 1 {
            turns.append(TaskTurn(user: asked[1].question, answer: asked[1].answer, check: asked[1].check))
        }
        return TaskInstance(task: .passageQA, turns: turns, key: "qa \(passage.text) | \(asked[0].subject)")
    }

    static func makePassage(names: inout some NameSource, _ rng: inout SynthRandom) -> Passage {
        var passage = Passage()
        switch rng.below(10) {
        case 0..<5:
            for person in people(rng.int(in: 1...3), names: &names, &rng) {
                DescriptionRenderer.describe(person, attributes: attributes(of: person, &rng), into: &passage, &rng)
            }
        case 5..<7:
            for person in people(rng.int(in: 1...2), names: &names, &rng) {
                FactRenderer.card(person, attributes: attributes(of: person, &rng), into: &passage, &rng)
            }
        case 7:
            DescriptionRenderer.describe(EntityFactory.town(name: names.next(&rng), &rng), into: &passage, &rng)
            let person = people(1, names: &names, &rng)[0]
            DescriptionRenderer.describe(person, attributes: attributes(of: person, &rng), into: &passage, &rng)
        default:
            let cast = people(2, names: &names, &rng)
            passage = StoryRenderer.story(hero: cast[0], companion: rng.chance(60) ? cast[1] : nil,
                                          stranger: names.next(&rng), &rng)
        }
        return passage
    }

    /// People invented for one passage, each with a fresh friend (and maybe a sibling) not in it, so
    /// that "Who is X's friend?" has one answer.
    static func people(_ count: Int, names: inout some NameSource, _ rng: inout SynthRandom) -> [Person] {
        let town = names.next(&rng)
        return (0..<count).map { _ in
            let name = names.next(&rng)
            var p = EntityFactory.person(name: name, petName: names.next(&rng),
                                         town: rng.chance(50) ? town : names.next(&rng), &rng)
            p.friend = names.next(&rng)
            if rng.chance(40) { p.sibling = Sibling(name: names.next(&rng), pronouns: rng.chance(50) ? .he : .she) }
            return p
        }
    }

    /// Three to five attributes in a random order, starting with one that names the person well.
    static func attributes(of person: Person, _ rng: inout SynthRandom) -> [PersonAttribute] {
        let all = PersonAttribute.allCases.filter { $0 != .sibling || person.sibling != nil }
        return rng.sample(all, count: rng.int(in: 3...min(5, all.count)))
    }

    /// The passage and the question in one of a few prompt layouts.
    static func frame(_ text: String, _ question: String, _ rng: inout SynthRandom) -> String {
        switch rng.below(6) {
        case 0: "Read the text and answer the question.\n\n\(text)\n\nQuestion: \(question)"
        case 1: "\(text)\n\n\(question)"
        case 2: "Text: \(text)\nQuestion: \(question)"
        case 3: "\(question)\n\n\(text)"
        case 4: "\(text)\n\(question)"
        default: "Answer the question using the text below.\n\n\(text)\n\n\(question)"
        }
    }
}
