/// Renders short stories: a hero (and maybe a companion) goes somewhere, a few things happen, they go
/// home. Each event is used at most once per story, so every question the story records has one answer.
public enum StoryRenderer {
    static let weathers = ["sunny", "windy", "cold", "warm", "rainy", "cloudy"]

    /// A story about `hero`, with `companion` if given; `stranger` is the name of someone they meet.
    public static func story(hero: Person, companion: Person?, stranger: String, _ rng: inout SynthRandom) -> Passage {
        var s = Passage()
        let a = hero.name
        let place = rng.pick(Lexicon.outings)
        // "they" with a companion; the hero's pronoun alone.
        let they = companion == nil ? hero.pronouns.subject : "they"
        let whoAsked = companion == nil ? a : "\(a) and \(companion!.name)"
        let goers = companion.map { "\(a) and \($0.name)" } ?? a
        if rng.chance(50) {
            let day = rng.pick(Lexicon.days)
            s.say("On \(day), \(goers) went to the \(place) near \(hero.town).")
            s.ask("On which day did \(whoAsked) go to the \(place)?", day, about: "day")
        } else {
            s.say("One \(rng.pick(Lexicon.timesOfDay)), \(goers) \(rng.pick(["went", "walked"])) to the \(place).")
        }
        s.ask(rng.pick(["Where did \(whoAsked) go?", "To which place did \(whoAsked) go?"]), place, about: "place")
        if let c = companion { s.ask("Who went to the \(place) with \(a)?", c.name, about: "companion") }

        let fruits = rng.sample(Lexicon.fruits, count: 2)
        var events = [0, 1, 2, 3, 4, 5, 6]
        if companion == nil { events.removeAll { $0 == 2 || $0 == 6 } }
        for event in rng.sample(events, count: rng.int(in: 2...min(4, events.count))) {
            switch event {
            case 0:
                let color = rng.pick(Lexicon.colors), object = rng.pick(Lexicon.objects).singular
                s.say("\(a) took \(Lexicon.article(for: color)) \(color) \(object) with \(hero.pronouns.object).")
                s.ask("What color was the \(object) that \(a) took?", color, about: "object color")
                s.ask("What did \(a) take?", "\(color) \(object)", about: "object")
            case 1:
                let n = rng.int(in: 2...9), animal = rng.pick(Lexicon.animals)
                s.say("At the \(place), \(they) saw \(count(animal, n, &rng)).")
                s.ask("How many \(animal.plural) did \(whoAsked) see?", String(n), .number, about: "seen")
            case 2:
                let c = companion!.name, n = rng.int(in: 3...9), m = rng.int(in: 1...(n - 1))
                s.say("\(a) found \(count(fruits[0], n, &rng)) and gave \(m) of them to \(c).")
                s.ask("How many \(fruits[0].plural) did \(a) find?", String(n), .number, about: "found")
                s.ask("How many \(fruits[0].plural) did \(a) give to \(c)?", String(m), .number, about: "given")
            case 3:
                let pet = hero.pet
                s.say("\(a)'s \(pet.animal.singular), \(pet.name), came along too.")
                s.ask("What is the name of \(a)'s \(pet.animal.singular)?", pet.name, about: "pet")
            case 4:
                let weather = rng.pick(weathers)
                s.say("The weather was \(weather).")
                s.ask("What was the weather like?", weather, about: "weather")
            case 5:
                let job = rng.pick(Lexicon.jobs)
                s.say("There \(they) met \(stranger), \(Lexicon.article(for: job)) \(job).")
                s.ask("Who did \(whoAsked) meet?", stranger, about: "met")
                s.ask("What is \(stranger)'s job?", job, about: "stranger job")
            default:
                let n = rng.int(in: 2...9), coins = rng.int(in: 2...20), c = companion!.name
                s.say("\(c) bought \(count(fruits[1], n, &rng)) for \(coins) coins.")
                s.ask("How many coins did \(c) pay?", String(coins), .number, about: "coins")
                s.ask("How many \(fruits[1].plural) did \(c) buy?", String(n), .number, about: "bought")
            }
        }
        switch rng.below(3) {
        case 0:
            s.say("In the \(rng.pick(["afternoon", "evening"])), \(they) went home to \(hero.town).")
            s.ask("Which town did \(whoAsked) go home to?", hero.town, about: "home")
        case 1:
            let mood = rng.pick(Lexicon.moods)
            s.say("\(a) felt \(mood).")
            s.ask("How did \(a) feel?", mood, about: "mood")
        default:
            s.say("It was a good day.")
        }
        return s
    }

    /// "five ducks" or "5 ducks": stories use both, so models learn that they mean the same.
    static func count(_ noun: Noun, _ n: Int, _ rng: inout SynthRandom) -> String {
        rng.chance(50) ? noun.countedInWords(n) : noun.counted(n)
    }
}
