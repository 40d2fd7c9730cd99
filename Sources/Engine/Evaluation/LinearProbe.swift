import Foundation

/// Logistic regression on frozen features, the linear probe of representation studies (the paper's
/// SuperGLUE probe of the encoder): features standardised with the training set's mean and spread,
/// weights fitted by full-batch gradient descent on the L2-regularised log loss. Deterministic.
public struct LinearProbe: Sendable {
    public let mean: [Double]
    public let scale: [Double]
    public let weights: [Double]
    public let bias: Double

    /// Fits the probe to `features` (rows of equal width) and their labels.
    public init(features: [[Float]], labels: [Bool], l2: Double = 1e-3, steps: Int = 500, learningRate: Double = 0.5) {
        precondition(!features.isEmpty && features.count == labels.count, "a probe needs labelled rows")
        let d = features[0].count, n = Double(features.count)
        var mean = [Double](repeating: 0, count: d), scale = [Double](repeating: 0, count: d)
        for row in features { for j in 0..<d { mean[j] += Double(row[j]) / n } }
        for row in features { for j in 0..<d { scale[j] += pow(Double(row[j]) - mean[j], 2) / n } }
        scale = scale.map { $0 > 1e-12 ? 1 / $0.squareRoot() : 0 }
        let x = features.map { row in (0..<d).map { (Double(row[$0]) - mean[$0]) * scale[$0] } }
        let y = labels.map { $0 ? 1.0 : 0.0 }
        var w = [Double](repeating: 0, count: d), b = 0.0
        for _ in 0..<steps {
            var gw = w.map { l2 * $0 }, gb = 0.0
            for (row, target) in zip(x, y) {
                let z = zip(row, w).reduce(b) { $0 + $1.0 * $1.1 }
                let error = (1 / (1 + exp(-z)) - target) / n
                for j in 0..<d { gw[j] += error * row[j] }
                gb += error
            }
            for j in 0..<d { w[j] -= learningRate * gw[j] }
            b -= learningRate * gb
        }
        self.mean = mean
        self.scale = scale
        self.weights = w
        self.bias = b
    }

    /// The regularisation picked on held-back training rows: fits on the first three quarters of the
    /// training set for each strength in `grid`, keeps the one most accurate on the last quarter (the
    /// strongest on ties), then refits on every training row.
    public static func validated(features: [[Float]], labels: [Bool], grid: [Double] = [1e-3, 1e-2, 1e-1, 1]) -> (probe: LinearProbe, l2: Double) {
        let cut = features.count * 3 / 4
        guard cut >= 1, cut < features.count else { return (LinearProbe(features: features, labels: labels), grid[0]) }
        var best = (l2: grid[0], accuracy: -1.0)
        for l2 in grid {
            let probe = LinearProbe(features: Array(features[..<cut]), labels: Array(labels[..<cut]), l2: l2)
            let accuracy = probe.accuracy(features: Array(features[cut...]), labels: Array(labels[cut...]))
            if accuracy >= best.accuracy { best = (l2, accuracy) }
        }
        return (LinearProbe(features: features, labels: labels, l2: best.l2), best.l2)
    }

    /// The probability that `features` is a positive example.
    public func probability(_ features: [Float]) -> Double {
        var z = bias
        for j in weights.indices { z += weights[j] * (Double(features[j]) - mean[j]) * scale[j] }
        return 1 / (1 + exp(-z))
    }

    /// Accuracy on labelled rows (a probability of 0.5 or more predicts true).
    public func accuracy(features: [[Float]], labels: [Bool]) -> Double {
        guard !features.isEmpty else { return 0 }
        let right = zip(features, labels).filter { (probability($0) >= 0.5) == $1 }.count
        return Double(right) / Double(features.count)
    }
}
