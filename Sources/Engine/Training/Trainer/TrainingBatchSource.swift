/// An endless, resumable stream of training batches: what the trainer needs of the data pipeline.
/// `position` is where the next batch comes from, so a checkpoint that stores it can restart the
/// stream at the same batch.
public protocol TrainingBatchSource {
    var position: DataPosition { get }
    mutating func next() -> TrainingBatch
}

/// The data pipeline's iterator is the trainer's batch source.
extension BatchIterator: TrainingBatchSource {}
