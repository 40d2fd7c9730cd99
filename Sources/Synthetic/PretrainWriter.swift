/// The kinds of documents in pretrain.txt / valid.txt.
public enum PretrainDocumentKind: String, Sendable, CaseIterable {
    case story, description, facts, card, town
    case workedExample = "worked_example"
    case repetition
    /// Lines of solved equations; only with `SynthOptions.arithmeticDrillPercent` > 0.
    case arithmeticDrill = "arithmetic_drill"

    /// Share of documents of each kind. Half are worked task examples: at the default models' size the
    /// tasks are what users ask, and pretraining is where most of the compute goes.
    var weight: Int {
        switch self {
        case .story: 12
        case .description: 10
        case .facts: 6
        case .card: 4
        case .town: 3
        case .workedExample: 50
        case .repetition: 15
        case .arithmeticDrill: 0  // drawn apart, by `PretrainWriter.arithmeticDrillPercent`
        }
    }
}

/// Generates pretraining documents about one world: stories, descriptions, facts, record cards, towns,
/// worked task examples and repeated lists. Documents are single paragraphs (lines separated by one newline);
/// the files separate documents with a blank line.
public struct PretrainWriter {
    public private(set) var world: World
    private var tasks: TaskGenerator
    /// Percentage of documents that are arithmetic drills (the other kinds share the rest by weight).
    public let arithmeticDrillPercent: Int
    /// How worked examples draw their task (one weight per `TaskType.allCases`).
    public let taskWeights: [Int]

    public init(world: World, arithmeticDrillPercent: Int = 0, englishShapedPercent: Int = 0,
                taskWeights: [Int] = TaskType.defaultWeights) {
        self.world = world
        self.arithmeticDrillPercent = arithmeticDrillPercent
        self.taskWeights = taskWeights
        tasks = TaskGenerator(split: world.split, englishShapedPercent: englishShapedPercent)
    }

    /// Starts recording every name the worked examples invent (see `TaskGenerator.issuedNames`).
    public mutating func recordNames() { tasks.recordNames() }

    /// Names invented by worked examples since `recordNames()`.
    public var issuedNames: [String] { tasks.issuedNames }

    /// A document of a random kind.
    public mutating func document(_ rng: inout SynthRandom) -> (kind: PretrainDocumentKind, text: String) {
        // Drawn first and only when asked for, so that without drills the files stay byte for byte the same.
        if arithmeticDrillPercent > 0 && rng.int(in: 0...99) < arithmeticDrillPercent {
            return (.arithmeticDrill, ArithmeticTask.drill(split: world.split, &rng))
        }
        let kinds = PretrainDocumentKind.allCases
        let kind = kinds[rng.weightedIndex(kinds.map(\.weight))]
        return (kind, document(kind, &rng))
    }

    /// A document of `kind`, with no blank lines inside.
    public mutating func document(_ kind: PretrainDocumentKind, _ rng: inout SynthRandom) -> String {
        let people = world.people
        switch kind {
        case .story:
            let hero = rng.pick(people)
            var companion: Person? = nil
            if rng.chance(65) {
                let name = rng.chance(30) ? hero.sibling?.name ?? hero.friend : hero.friend
                companion = world.person(named: name)
            }
            var stranger = rng.pick(people).name
            if stranger == hero.name || stranger == companion?.name { stranger = rng.pick(people).name }
            return StoryRenderer.story(hero: hero, companion: companion, stranger: stranger, &rng).text
        case .description:
            let p = rng.pick(people)
            var passage = Passage()
            let all = PersonAttribute.allCases.filter { $0 != .sibling || p.sibling != nil }
            DescriptionRenderer.describe(p, attributes: rng.sample(all, count: rng.int(in: 4...all.count)),
                                         into: &passage, &rng)
            return passage.text
        case .facts:
            let group = (0..<rng.int(in: 1...3)).map { _ in rng.pick(people) }
            return FactRenderer.factLines(about: group, perPerson: rng.int(in: 2...4), &rng)
        case .card:
            let p = rng.pick(people)
            var passage = Passage()
            FactRenderer.card(p, attributes: PersonAttribute.allCases, into: &passage, &rng)
            return passage.text
        case .town:
            let town = rng.pick(world.towns)
            var passage = Passage()
            DescriptionRenderer.describe(town, into: &passage, &rng)
            let residents = people.filter { $0.town == town.name }.prefix(4).map(\.name)
            if !residents.isEmpty {
                passage.say("\(TextTransforms.joinList(residents)) \(residents.count == 1 ? "lives" : "live") there.")
            }
            return passage.text
        case .workedExample:
            let instance = tasks.makeAny(twoTurnPercent: 20, weights: taskWeights, &rng)
            return WorkedExampleRenderer.render(instance, &rng)
        case .repetition:
            return repetition(&rng)
        case .arithmeticDrill:
            return ArithmeticTask.drill(split: world.split, &rng)
        }
    }

    /// A list of names or words said twice ("Say it twice: Lomi, red, Brasu. Lomi, red, Brasu.").
    /// The second half can only be predicted by looking back at the first: these documents are what
    /// teaches a small model to copy from its context (induction), which every task needs and stories
    /// alone teach too slowly for the recipe's budget.
    mutating func repetition(_ rng: inout SynthRandom) -> String {
        let count = rng.int(in: 3...8)
        let names = tasks.freshNames(count, &rng)
        let items = names.map { name in rng.chance(50) ? name : rng.pick(Lexicon.listWords) }
        let list = items.joined(separator: ", ")
        return rng.pick([
            "Say it twice: \(list). \(list).",
            "List: \(list)\nThe same list: \(list)",
            "\(list). Again: \(list).",
            "Remember these: \(list)\nThey were: \(list)",
        ])
    }
}
