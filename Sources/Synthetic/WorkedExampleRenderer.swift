/// Renders a task instance as plain prose for the pretraining text, so the base model has seen every
/// task before instruction tuning ("Question: What is 4 + 5?\nAnswer: 9").
public enum WorkedExampleRenderer {
    public static func render(_ instance: TaskInstance, _ rng: inout SynthRandom) -> String {
        let style = rng.below(3)
        var lines: [String] = []
        for turn in instance.turns {
            let user = turn.user.replacingOccurrences(of: "\n\n", with: "\n")
            switch style {
            case 0: lines.append("Question: \(user)\nAnswer: \(turn.reply)")
            case 1: lines.append("Q: \(user)\nA: \(turn.reply)")
            default:
                let end = turn.reply.last.map { ".!?".contains($0) } ?? false ? "" : "."
                lines.append("\(user)\nThe answer is \(turn.reply)\(end)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
