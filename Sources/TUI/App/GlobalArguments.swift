/// The options every command accepts (`--threads`, `--db`; see `GlobalOptions`) may come before the
/// subcommand, as the README writes them: `duet --db x.sqlite history`. Argument parsers read options
/// where the command that declares them is, so these are moved behind the subcommand and its arguments.
enum GlobalArguments {
    /// Global options that take a value.
    static let valued: Set<String> = ["--threads", "--db"]

    /// `arguments` (without the program name) with leading global options moved to the end (before a
    /// `--`, if any). Anything else is left in place; `duet --db x` alone still opens the UI with it.
    static func reordered(_ arguments: [String]) -> [String] {
        var globals: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if valued.contains(argument), index + 1 < arguments.count {
                globals += [argument, arguments[index + 1]]
                index += 2
            } else if let equals = argument.firstIndex(of: "="), valued.contains(String(argument[..<equals])) {
                globals.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !globals.isEmpty else { return arguments }
        var rest = Array(arguments[index...])
        if let separator = rest.firstIndex(of: "--") {
            rest.insert(contentsOf: globals, at: separator)
        } else {
            rest += globals
        }
        return rest
    }
}

/// The program's entry point: parses the reordered arguments and runs the chosen command.
@main
enum DuetMain {
    static func main() async {
        await Duet.main(GlobalArguments.reordered(Array(CommandLine.arguments.dropFirst())))
    }
}
