/// Allocations of f32 buffers, freed together (llm.c's activation memory):
/// activations are allocated once per batch shape and reused every step, never per token.
final class BufferArena {
    private var blocks: [UnsafeMutableRawPointer] = []
    /// Bytes allocated so far.
    private(set) var allocatedBytes = 0

    /// A zeroed buffer of `count` floats (64-byte aligned), alive as long as the arena.
    func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = uninitializedFloats(count)
        p.initialize(repeating: 0, count: max(count, 1))
        return p
    }

    /// A buffer of `count` floats left uninitialised, for memory every reader writes first (KV caches:
    /// attention reads only rows already written). Not touching it keeps a long prompt's request from
    /// spending its first second writing zeros into gigabytes of cache, which Esc would have to wait for.
    func uninitializedFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
        let bytes = max(count, 1) * 4
        let p = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        blocks.append(p)
        allocatedBytes += bytes
        return p.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    deinit { blocks.forEach { $0.deallocate() } }
}
