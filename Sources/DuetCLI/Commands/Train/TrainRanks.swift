import DuetMPI
import Engine
import Foundation

/// Runs a training command as one process, or as one rank of an `mpirun` job (data parallelism over
/// MPI): sets the thread count, hands the body its `ProcessGroup`, and ends the job.
package enum TrainRanks {
    /// Runs `body` with the job's process group (`SingleProcess` outside `mpirun` or with one rank).
    /// Under MPI a failure on any rank ends every rank (MPI_Abort, status 1) after printing it with the
    /// rank's number, so no rank waits forever for one that stopped.
    package static func run(command: String, global: GlobalOptions, _ body: (ProcessGroup) throws -> Void) throws {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OMPI_COMM_WORLD_SIZE"] != nil else {
            global.apply()
            return try body(SingleProcess())
        }
        let mpi = try MPIProcessGroup.launched(environment: environment)
        // Ranks sharing a machine share its cores, and mpirun binds each rank to one core by default
        // (with -np 1 or 2): use the cores a rank may run on, and say how to give it more.
        let local = max(1, environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init) ?? 1)
        let share = max(1, ProcessInfo.processInfo.activeProcessorCount / local), allowed = allowedCPUs() ?? share
        EngineThreads.configure(global.threads ?? min(share, allowed))
        if global.threads == nil && allowed < share && (mpi?.rank ?? 0) == 0 {
            FileHandle.standardError.write(Data(("duet \(command): mpirun bound this rank to \(allowed) of the \(share) cores "
                + "it could use; run mpirun with --bind-to none (or --map-by ...:PE=\(share)) to use them all\n").utf8))
        }
        guard let mpi else { return try body(SingleProcess()) }
        do {
            try body(mpi)
        } catch {
            FileHandle.standardError.write(Data("duet \(command) (rank \(mpi.rank) of \(mpi.size)): \(error)\n".utf8))
            mpi.abort(code: 1)
        }
        mpi.finalize()
    }

    /// The number of CPUs this process may run on (its affinity, `Cpus_allowed_list` of
    /// /proc/self/status, e.g. `0-3,8`), nil if unknown. (Swift's Glibc does not import
    /// sched_getaffinity, a GNU extension.)
    static func allowedCPUs() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else { return nil }
        return cpuCount(list: line.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces))
    }

    /// The CPUs of a Linux CPU list such as `0-3,8` (nil if malformed).
    static func cpuCount(list: String) -> Int? {
        var count = 0
        for part in list.split(separator: ",") {
            let bounds = part.split(separator: "-").map { Int($0) }
            guard (1...2).contains(bounds.count), let lo = bounds.first!, let hi = bounds.last!, hi >= lo else { return nil }
            count += hi - lo + 1
        }
        return count > 0 ? count : nil
    }
}

/// The loop's observer on ranks other than 0: silent; it only passes on a stop asked by a signal, so a
/// signal delivered to any rank stops the job at the next step with a checkpoint (rank 0 records it).
final class TrainFollower: TrainingLoopObserver {
    let signals: TrainSignals

    init(signals: TrainSignals) {
        self.signals = signals
    }

    func pollControl() -> [TrainingControl] { signals.stopRequested ? [.stop] : [] }
    func didStep(_ report: StepReport, throughput: StepThroughput) {}
    func didEvaluate(_ report: EvaluationReport) {}
    func didCheckpoint(step: Int, directory: URL) {}
    func didPause(step: Int) {}
    func didResume(step: Int) {}
}
