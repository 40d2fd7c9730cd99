/// A model's training activations for the batch shapes used most recently, at most `capacity` of them.
///
/// Batches can change shape from step to step (encoder-decoder SFT rows are as long as their longest
/// example). Keeping the buffers of every shape ever seen grew an encoder-decoder SFT run by hundreds of
/// MB a step until the kernel killed it at 24 GB; now the least recently used shape is freed *before* a new
/// one is allocated, so memory stays bounded by `capacity` shapes (the training shape and the validation
/// shape in the common case, which then never reallocate).
struct ActivationCache<Key: Hashable, Value> {
    let capacity: Int
    private var entries: [(key: Key, value: Value)] = []  // least recently used first

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// The value for `key`, made by `make` (after evicting the least recently used entry if full).
    mutating func value(for key: Key, make: () -> Value) -> Value {
        if let i = entries.firstIndex(where: { $0.key == key }) {
            let entry = entries.remove(at: i)
            entries.append(entry)
            return entry.value
        }
        if entries.count >= capacity { entries.removeFirst() }
        let value = make()
        entries.append((key, value))
        return value
    }

    var count: Int { entries.count }
    var keys: [Key] { entries.map(\.key) }

    mutating func removeAll() { entries.removeAll() }
}
