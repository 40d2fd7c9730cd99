import Foundation
import Sessions
import Testing
@testable import TUI

@Suite struct CLITests {
    @Test func versionReportsBLASAndThreads() throws {
        let out = try runDuet(["version", "--threads", "1"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("duet "))
        #expect(out.stdout.contains("OpenBLAS"))
        #expect(out.stdout.contains("threads:      1"))
    }

    /// The README writes global options before the subcommand.
    @Test func globalOptionsWorkBeforeTheSubcommand() throws {
        let out = try runDuet(["--threads", "1", "version"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("threads:      1"))
        let dir = TemporaryDirectory()
        let history = try runDuet(["--db", dir.file("x.sqlite"), "history"])
        #expect(history.status == 0, "\(history.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file("x.sqlite")))
        // `~` is expanded the same way for --db as for DUET_HOME, also with `=`.
        let tilde = try runDuet(["--db=~/y.sqlite", "runs"], environment: ["HOME": dir.path])
        #expect(tilde.status == 0, "\(tilde.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file("y.sqlite")))
    }

    @Test func globalArgumentsMoveBehindTheSubcommand() {
        #expect(GlobalArguments.reordered(["--threads", "1", "version"]) == ["version", "--threads", "1"])
        #expect(GlobalArguments.reordered(["--db=x", "--threads", "2", "bench", "train", "--steps", "3"])
                == ["bench", "train", "--steps", "3", "--db=x", "--threads", "2"])
        #expect(GlobalArguments.reordered(["--db", "x", "generate", "--", "--prompt"]) == ["generate", "--db", "x", "--", "--prompt"])
        #expect(GlobalArguments.reordered(["--db", "x"]) == ["--db", "x"])
        #expect(GlobalArguments.reordered(["history", "--db", "x"]) == ["history", "--db", "x"])
    }

    @Test func oneResolverForTheHomeAndTheDatabase() {
        let paths = DuetPaths.resolve(environment: ["DUET_HOME": "~/d/", "HOME": "/h"])
        #expect(paths.home == "/h/d" && paths.database == "/h/d/duet.sqlite")
        #expect(DuetPaths.resolve(environment: ["HOME": "/h"], database: "~/x.sqlite").database == "/h/x.sqlite")
        #expect(DuetPaths.resolve(environment: ["HOME": "/h"], database: "rel/x.sqlite").database
                == FileManager.default.currentDirectoryPath + "/rel/x.sqlite")
        #expect(DuetPaths.resolve(environment: ["HOME": "/h"]).database == "/h/.local/share/duet/duet.sqlite")
        #expect(DuetPaths.userHome(environment: ["HOME": ""]) == nil && DuetPaths.userHome(environment: ["HOME": "/h"]) == "/h")
    }

    /// A broken `--model` stops before the UI opens (no terminal needed to see it), naming the problem.
    @Test func aBrokenModelOptionFailsBeforeTheUIOpens() throws {
        let dir = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.file("empty"), withIntermediateDirectories: true)
        let env = ["DUET_HOME": dir.file("home")]
        let empty = try runDuet(["--model", dir.file("empty")], environment: env)
        #expect(empty.status == 1 && empty.stderr.contains("not a model directory (no config.json)"), "\(empty.stderr)")

        let garbage = dir.file("garbage")
        try FileManager.default.copyItem(atPath: TinyModelPair.decoderOnly.path, toPath: garbage)
        try Data("{\"model_type\": \"gemma2\", \"hidden_size\": ".utf8).write(to: URL(fileURLWithPath: garbage + "/config.json"))
        let badConfig = try runDuet(["--model", garbage], environment: env)
        #expect(badConfig.status == 1 && badConfig.stderr.contains("cannot open model \(garbage)"), "\(badConfig.stderr)")

        let truncated = dir.file("truncated")
        try FileManager.default.copyItem(atPath: TinyModelPair.decoderOnly.path, toPath: truncated)
        let weights = URL(fileURLWithPath: truncated + "/model.safetensors")
        let bytes = try Data(contentsOf: weights)
        try bytes.prefix(bytes.count / 2).write(to: weights)
        let cut = try runDuet(["--model", truncated], environment: env)
        #expect(cut.status == 1 && cut.stderr.contains("cannot open model \(truncated)"), "\(cut.stderr)")
        #expect(!cut.stderr.contains("interactive terminal"))
    }
}

@Suite struct NoTerminalTests {
    @Test func withoutATerminalDuetExplainsAndPrintsHelp() throws {
        let out = try runDuet([], environment: ["DUET_HOME": NSTemporaryDirectory() + "duet-notty"], stdin: "")
        #expect(out.status == 1)
        #expect(out.stderr.contains("the terminal UI needs an interactive terminal"))
        #expect(out.stdout.contains("USAGE: duet"))
        #expect(out.stdout.contains("SUBCOMMANDS"))
    }
}
