import DuetMPI
import Engine
import Foundation

/// Runs a training command as one process, or as one rank of an `mpirun` job (data parallelism over
/// MPI): sets the thread count, hands the body its `ProcessGroup`, and ends the job.
enum TrainRanks {
    /// Runs `body` with the job's process group (`SingleProcess` outside `mpirun` or with one rank).
    /// Under MPI a failure on any rank ends every rank (MPI_Abort, status 1) after printing it with the
    /// rank's number, so no rank waits forever for one that stopped.
    static func run(command: String, global: GlobalOptions, _ body: (ProcessGroup) throws -> Void) throws {
        let environment = ProcessInfo.processInfo.environment
        guard let mpi = try MPIProcessGroup.launched(environment: environment) else {
            global.apply()
            return try body(SingleProcess())
        }
        // Ranks sharing a machine share its cores (unless --threads says otherwise).
        let local = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init) ?? 1
        EngineThreads.configure(global.threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, local)))
        do {
            try body(mpi)
        } catch {
            FileHandle.standardError.write(Data("duet \(command) (rank \(mpi.rank) of \(mpi.size)): \(error)\n".utf8))
            mpi.abort(code: 1)
        }
        mpi.finalize()
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
