import Testing
@testable import DuetCLI

/// The affinity count that sizes each rank's threads under mpirun (`Cpus_allowed_list` syntax).
@Suite struct TrainRanksTests {
    @Test func cpuListsCountTheirCPUs() {
        #expect(TrainRanks.cpuCount(list: "0") == 1)
        #expect(TrainRanks.cpuCount(list: "0-3,8") == 5)
        #expect(TrainRanks.cpuCount(list: "0-1,4-7,10") == 7)
        #expect(TrainRanks.cpuCount(list: "") == nil)
        #expect(TrainRanks.cpuCount(list: "3-1") == nil)
        #expect(TrainRanks.cpuCount(list: "a-b") == nil)
    }

    @Test func thisProcessMayRunOnSomeCPUs() throws {
        let allowed = try #require(TrainRanks.allowedCPUs())
        #expect(allowed >= 1 && allowed <= 4096)
    }
}
