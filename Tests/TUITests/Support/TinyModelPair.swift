import Foundation
@testable import DuetCLI

/// The repository's root directory (for committed assets).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// The committed small tokenizer that `duet models demo` gives its models.
let smallTokenizer = repositoryRoot.appendingPathComponent("assets/tokenizers/duet-small")

/// One tiny random pair per test process (tiny-random-gemma2 and its adaptation tiny-random-t5gemma),
/// made with the same code as `duet models demo`; tests only read it.
enum TinyModelPair {
    static let directory: URL = {
        let url = URL(fileURLWithPath: NSTemporaryDirectory() + "duet-tiny-models-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        _ = try! RandomModels.makePair(in: url, tokenizer: smallTokenizer)
        return url
    }()

    static var decoderOnly: URL { directory.appendingPathComponent(RandomModels.decoderName) }
    static var encoderDecoder: URL { directory.appendingPathComponent(RandomModels.encoderDecoderName) }
}

/// A `$DUET_HOME` whose models folder holds the tiny random pair (made by the real `duet models demo`).
func duetHomeWithTinyModels() -> String {
    let home = temporaryDuetHome()
    let made = spawnWait([productPath("duet"), "models", "demo", "--tokenizer", smallTokenizer.path], environment: ["DUET_HOME": home])
    precondition(made.status == 0, "duet models demo failed: \(made.stderr)")
    return home
}
