import ArgumentParser
import Engine

extension WeightQuantization: ExpressibleByArgument {}

/// `--quantize int8` of the inference commands: hold the weights as blockwise int8 in memory
/// (quantized at load from the file's bf16/f32/f16), about half the bytes of bf16 per decode step.
package struct QuantizeOption: ParsableArguments {
    @Option(help: ArgumentHelp("Hold the weights in memory as: int8 (blockwise, quantized at load; about half the memory traffic of bf16).",
                               valueName: "int8"))
    package var quantize: WeightQuantization?

    package init() {}
}
