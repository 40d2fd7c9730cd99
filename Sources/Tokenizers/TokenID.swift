/// Token ids everywhere: what tokenizers produce and the engine's models consume.
public typealias TokenID = Int32
