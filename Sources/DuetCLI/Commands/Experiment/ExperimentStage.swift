import Foundation

/// One step of an experiment: a `duet` command run as a child process, a training run (resumable), or
/// work done in this process (writing model shapes, the report). A finished stage leaves a marker file, so
/// a rerun skips it.
struct ExperimentStage {
    enum Action {
        /// `duet ARGUMENTS`; its stdout goes to `stdoutFile` (written only when the command succeeds) or the log.
        case command(arguments: [String], stdoutFile: String?)
        /// `duet train ARGUMENTS` for a new run in `runDirectory`, or `duet train --out DIR --resume` when the run
        /// exists; finished when its latest checkpoint is step `steps`.
        case train(runDirectory: String, steps: Int, arguments: [String], resume: [String])
        /// Work in this process.
        case local(() throws -> Void)
    }

    /// Unique within the experiment: the marker's and the log's file name.
    var id: String
    /// What it does, for the progress lines.
    var title: String
    var action: Action
    /// Files or directories a non-resumable stage creates: removed before it runs again after an
    /// interruption, so that it starts clean.
    var outputs: [String] = []
    /// Run on every invocation (the report, cheap and reflecting everything so far).
    var always = false
}
