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
