/// Which side of the train / held-out divide a piece of generated data belongs to.
///
/// The divide is a fixed function of content, not of the seed: a proper name, or the content key of a
/// task instance ("add 23 45"), is held out when its stable hash falls in one bucket of eight. So every
/// data set, whatever its seed or size, keeps its held-out names and problems out of its training files,
/// and held-out sets of different runs never leak into each other's training files either.
public enum DataSplit: String, Sendable, Codable, CaseIterable {
    case train
    case heldOut = "held-out"

    /// One bucket in `buckets` is held out.
    static let buckets: UInt64 = 8

    /// The split a generated proper name belongs to.
    public static func of(name: String) -> DataSplit {
        StableHash.fnv1a("name:" + name) % buckets == 0 ? .heldOut : .train
    }

    /// The split a task instance belongs to, from its content key (see `TaskInstance.key`).
    public static func of(taskKey: String) -> DataSplit {
        StableHash.fnv1a("task:" + taskKey) % buckets == 0 ? .heldOut : .train
    }
}
