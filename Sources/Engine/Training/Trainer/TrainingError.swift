/// Why training cannot start or go on.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// The model's weights are not a trainable (flat f32) copy.
    case notTrainable
    /// A setting is out of range or does not fit the model (`field` names the option).
    case invalidConfiguration(field: String, reason: String)
    /// A batch does not fit the model (wrong architecture, token out of range...).
    case invalidBatch(String)
    /// Loss or gradients were NaN/inf in `count` consecutive steps, the last being `step`.
    case nonFinite(step: Int, count: Int)
    /// Distillation cannot use this teacher or batch.
    case distillation(String)
    /// A checkpoint directory is incomplete or inconsistent.
    case checkpoint(path: String, reason: String)

    public var description: String {
        switch self {
        case .notTrainable:
            "the model was not loaded for training (its weights must be a flat f32 copy: ModelLoader.load(trainable: true))"
        case let .invalidConfiguration(field, reason): "invalid training setting \(field): \(reason)"
        case let .invalidBatch(reason): "invalid training batch: \(reason)"
        case let .nonFinite(step, count):
            "loss or gradients were NaN or infinite in \(count) consecutive steps (last: step \(step)); stopping. Lower the learning rate, enable clipping, or check the data."
        case let .distillation(reason): "distillation: \(reason)"
        case let .checkpoint(path, reason): "checkpoint \(path): \(reason)"
        }
    }
}
