import ArgumentParser
import Engine

/// `duet version`: engine version, BLAS build, threads, CPU features.
package struct VersionCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the engine version, BLAS build, threads and CPU features.")

    package init() {}

    @OptionGroup var global: GlobalOptions

    package func run() throws {
        global.apply()
        print("duet \(EngineInfo.version)")
        print("blas:         \(BLASInfo.config)")
        print("blas core:    \(BLASInfo.coreDescription)")
        print("threads:      \(EngineThreads.count) (engine workers and OpenBLAS; \(EngineThreads.onlineCores) cores online)")
        let features = EngineInfo.cpuFeatures
        print("cpu features: \(features.isEmpty ? "baseline only" : features.joined(separator: " "))")
        print("matrix kernels: \(EngineInfo.matrixKernels) (bf16 panels, attention tiles)")
        print("int8 kernel:  \(EngineInfo.int8Kernel) (duet ... --quantize int8, duet convert --dtype int8)")
    }
}
