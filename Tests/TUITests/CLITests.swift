import Foundation
import Testing

@Suite struct CLITests {
    @Test func versionReportsBLASAndThreads() throws {
        let out = try runDuet(["version", "--threads", "1"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("duet "))
        #expect(out.stdout.contains("OpenBLAS"))
        #expect(out.stdout.contains("threads:      1"))
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
