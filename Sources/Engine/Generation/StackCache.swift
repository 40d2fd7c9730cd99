/// Inference state of one stack for one sequence: the self-attention KV cache of every layer,
/// cross-attention keys/values when the stack is a T5Gemma decoder, and the scratch activations of
/// one block (shared by all layers, since nothing is kept for a backward pass). Allocated once per
/// request; prefill and every decode step reuse it, so decoding allocates nothing per token.
///
/// Sliding-window layers keep full-length rows too, but the attention mask never lets a query see
/// a key more than `window - 1` positions back, exactly as HF's sliding cache does.
final class StackCache {
    let capacity: Int
    let maxChunk: Int
    private(set) var length = 0
    let keys: [UnsafeMutablePointer<Float>]
    let values: [UnsafeMutablePointer<Float>]
    var crossKeys: [UnsafeMutablePointer<Float>] = []
    var crossValues: [UnsafeMutablePointer<Float>] = []
    var crossLength = 0
    let activations: BlockActivations
    let output: UnsafeMutablePointer<Float>
    let finalRstd: UnsafeMutablePointer<Float>
    let positions: UnsafeMutablePointer<Int32>
    let ids: UnsafeMutablePointer<Int32>
    private let arena: BufferArena

    /// T5Gemma 2's merged attention: rows `0..<mergedPrefix` of every layer's `keys`/`values` hold the
    /// encoder's (projected once per request), the decoder's own rows follow.
    let mergedPrefix: Int

    /// `capacity` tokens in total; up to `maxChunk` processed in one call (the prompt). A T5Gemma
    /// decoder gets `crossLength` encoder rows: as separate cross-attention keys/values, or with a
    /// merged-attention stack in front of its own rows.
    init(stack: GemmaStack, capacity: Int, maxChunk: Int, crossLength: Int = 0) {
        self.capacity = capacity
        self.maxChunk = maxChunk
        let arena = BufferArena()
        self.arena = arena
        let c = stack.config
        let prefix = stack.mergedAttention ? crossLength : 0
        mergedPrefix = prefix
        // Written before they are read (rows past..<past+T by each call; cross K/V once per request).
        keys = stack.specs.map { _ in arena.uninitializedFloats((prefix + capacity) * c.kvDim) }
        values = stack.specs.map { _ in arena.uninitializedFloats((prefix + capacity) * c.kvDim) }
        if crossLength > 0 && !stack.mergedAttention {
            crossKeys = stack.specs.map { _ in arena.uninitializedFloats(crossLength * c.kvDim) }
            crossValues = stack.specs.map { _ in arena.uninitializedFloats(crossLength * c.kvDim) }
            self.crossLength = crossLength
        }
        activations = BlockActivations(arena: arena, spec: stack.specs[0], batch: 1, length: maxChunk,
                                       crossLength: max(crossLength, 1), saveProbabilities: false, zeroed: false)
        output = arena.floats(maxChunk * c.hiddenSize)
        finalRstd = arena.floats(maxChunk)
        positions = UnsafeMutableRawPointer.allocate(byteCount: maxChunk * 4, alignment: 64).bindMemory(to: Int32.self, capacity: maxChunk)
        ids = UnsafeMutableRawPointer.allocate(byteCount: maxChunk * 4, alignment: 64).bindMemory(to: Int32.self, capacity: maxChunk)
    }

    deinit {
        positions.deallocate()
        ids.deallocate()
    }

    func advance(by n: Int) { length += n }
    func reset() { length = 0 }
}

extension GemmaStack {
    /// Runs `count` new tokens (at positions `cache.length...`) through the stack with the cache and
    /// returns the final-normed hidden rows `[count, d]` (in `cache.output`). With `cancel` set midway
    /// the remaining layers are skipped and the rows are meaningless (the generation stops anyway).
    func forwardCached(_ ids: UnsafePointer<Int32>, count: Int, cache: StackCache, weights: StackWeights,
                       encoderValid: UnsafePointer<Bool>? = nil, cancel: CancellationFlag? = nil) -> UnsafeMutablePointer<Float> {
        precondition(count <= cache.maxChunk && cache.length + count <= cache.capacity, "KV cache overflow")
        let d = config.hiddenSize
        let act = cache.activations
        embed(ids, count: count, weights: weights, into: act.input)
        for i in 0..<count { cache.positions[i] = Int32(cache.length + i) }
        let context = SequenceContext(batch: 1, length: count, positions: cache.positions, keyValid: nil,
                                      segments: nil, encoderValid: encoderValid)
        KernelCancellation.with(cancel) {
            for (i, spec) in specs.enumerated() {
                if cancel?.isCancelled == true { break }
                let selfSource = KeyValueSource.cache(keys: cache.keys[i], values: cache.values[i], past: cache.length,
                                                      prefix: cache.mergedPrefix)
                let crossSource: KeyValueSource? = spec.cross == nil ? nil
                    : .external(keys: cache.crossKeys[i], values: cache.crossValues[i], length: cache.crossLength)
                // The block output may overwrite its input buffer: the input is last read before the final add.
                GemmaBlock.forward(spec: spec, weights: weights.blocks[i], context: context,
                                   selfSource: selfSource, crossSource: crossSource, act: act, output: act.input)
            }
        }
        RMSNorm.forward(act.input, weight: weights.finalNorm.f32, rows: count, dim: d, eps: config.rmsNormEps,
                        into: cache.output, rstd: cache.finalRstd)
        cache.advance(by: count)
        return cache.output
    }
}
