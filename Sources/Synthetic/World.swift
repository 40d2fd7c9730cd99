/// A population of towns and people with consistent attributes and relations (friends, siblings), all
/// named from one `DataSplit`. Stories, descriptions and facts about the same world agree with each other.
public struct World {
    public let split: DataSplit
    public private(set) var towns: [Town] = []
    public private(set) var people: [Person] = []

    /// Builds `people` people living in `towns` towns, every name drawn from `split`.
    public init(split: DataSplit, people peopleCount: Int, towns townCount: Int, rng: inout SynthRandom) {
        self.split = split
        var names = NameGenerator(split: split)
        towns = (0..<townCount).map { _ in EntityFactory.town(name: names.next(&rng), &rng) }
        let townNames = towns.map(\.name)
        let personNames = names.next(peopleCount, &rng)
        people = personNames.map { name in
            EntityFactory.person(name: name, petName: names.next(&rng), town: rng.pick(townNames), &rng)
        }
        // Friends: anyone else. Siblings: pairs of neighbours in a shuffled order, who share a home town.
        for i in people.indices {
            var j = rng.below(peopleCount)
            if j == i { j = (j + 1) % peopleCount }
            people[i].friend = people[j].name
        }
        let order = rng.shuffled(Array(people.indices))
        var k = 0
        while k + 1 < order.count {
            let a = order[k], b = order[k + 1]
            if rng.chance(40) {
                people[a].sibling = Sibling(name: people[b].name, pronouns: people[b].pronouns)
                people[b].sibling = Sibling(name: people[a].name, pronouns: people[a].pronouns)
                people[b].town = people[a].town
            }
            k += 2
        }
    }

    /// The person named `name`.
    public func person(named name: String) -> Person? { people.first { $0.name == name } }

    /// The town named `name`.
    public func town(named name: String) -> Town? { towns.first { $0.name == name } }
}

/// Makes single entities with random attributes (also for the short-lived ones of passage questions).
public enum EntityFactory {
    public static func town(name: String, _ rng: inout SynthRandom) -> Town {
        Town(name: name, size: rng.pick(Lexicon.townSizes), feature: rng.pick(Lexicon.townFeatures),
             crop: rng.pick(Lexicon.fruits))
    }

    /// A person; `friend` starts as the person's own name until the caller assigns one.
    public static func person(name: String, petName: String, town: String, _ rng: inout SynthRandom) -> Person {
        let pet = Pet(name: petName, animal: rng.pick(Lexicon.animals), color: rng.pick(Lexicon.colors))
        return Person(name: name, pronouns: rng.chance(50) ? .he : .she, age: rng.int(in: 6...79),
                      job: rng.pick(Lexicon.jobs), town: town, favoriteColor: rng.pick(Lexicon.colors),
                      food: rng.pick(Lexicon.foods), pet: pet, friend: name, sibling: nil)
    }
}
