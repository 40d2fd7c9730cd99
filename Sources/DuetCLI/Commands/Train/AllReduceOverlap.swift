import ArgumentParser
import Engine
import Foundation

/// `--overlap-allreduce`: whether ranks sum gradients while the backward runs (``OverlappedReduction``)
/// or in one all-reduce after it.
///
/// Overlap pays when the gradients cross a network, whose transfer time the backward can hide. Between
/// ranks of one machine the sum is memory copies and additions, work for the same cores the backward
/// keeps busy, so there is nothing to hide it behind: `auto` overlaps only when the job's ranks span
/// more than one machine.
package enum AllReduceOverlap: String, ExpressibleByArgument, CaseIterable {
    case auto, on, off

    /// Gradients per bucket when overlapping, nil for one all-reduce after the backward.
    /// `DUET_ALLREDUCE_BUCKET_MB` sets the bucket size (default 25 MB, PyTorch DDP's).
    package func bucketElements(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        switch self {
        case .off: return nil
        case .auto: guard Self.spansMachines(environment) else { return nil }
        case .on: break
        }
        guard let megabytes = environment["DUET_ALLREDUCE_BUCKET_MB"].flatMap(Double.init), megabytes > 0 else {
            return OverlappedReduction.defaultBucketElements
        }
        return max(1, Int(megabytes * 1_048_576 / 4))
    }

    /// Whether this `mpirun` job has ranks on other machines than this one (fewer ranks here than in all).
    static func spansMachines(_ environment: [String: String]) -> Bool {
        guard let all = environment["OMPI_COMM_WORLD_SIZE"].flatMap(Int.init),
              let here = environment["OMPI_COMM_WORLD_LOCAL_SIZE"].flatMap(Int.init) else { return false }
        return here < all
    }
}
