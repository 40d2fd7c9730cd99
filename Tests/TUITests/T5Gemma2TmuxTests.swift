import Foundation
import Testing

/// T5Gemma 2 in the UI as a user meets it: chat with one, then compare it with a Gemma 3 decoder-only
/// model side by side (both streamed, each with its own cost line).
@Suite struct T5Gemma2TmuxTests {
    @Test func chatAndCompareAT5Gemma2WithAGemma3() throws {
        let home = temporaryDuetHome()
        let models = home + "/models"
        for (arch, preset, name) in [("t5gemma2", "tiny-tiny", "my-t5gemma2"), ("gemma3", "tiny", "my-gemma3")] {
            let made = try runDuet(["init", "--arch", arch, "--preset", preset, "--tokenizer", gemmaLikeTokenizer,
                                    "--seed", "9", "--out", models + "/" + name])
            try #require(made.status == 0, "\(made.stderr)")
        }
        let t = Tmux()
        defer { t.stop() }
        t.start(duetCommand(home: home, arguments: "--max-tokens 6 --model '\(models)/my-t5gemma2' --model '\(models)/my-gemma3'"),
                cols: 120, rows: 32)
        t.waitFor("Chatting with my-t5gemma2")
        t.keys("Hello there", literal: true)
        t.keys("Enter")
        // An encoder-decoder reports the time its encoder took, then the decode speed.
        let chat = t.waitFor(all: ["▌ Hello there", "TTFT ", "encode ", "decode ", "max tokens", "my-t5gemma2 (random weights)"])
        #expect(chat.contains("my-t5gemma2 (random weights)") && chat.contains("max tokens"), "\(chat)")

        t.keys("F3")
        t.waitFor("Prompt for both models")
        t.keys("The river runs", literal: true)
        t.keys("Enter")
        // Both columns finished, each with its FLOPs per token (one line holds both).
        func finishedColumns(_ screen: String) -> Int {
            screen.split(separator: "\n").map { $0.components(separatedBy: "FLOP/tok · max tokens").count - 1 }.max() ?? 0
        }
        let compared = t.waitFor { screen in
            ["Which answer is better?", "my-t5gemma2 (random weights) · encoder-decoder", "my-gemma3 (random weights) · decoder-only",
             "encode ", "prefill "].allSatisfy(screen.contains) && finishedColumns(screen) == 2
        }
        #expect(compared.contains("encode ") && compared.contains("prefill ") && finishedColumns(compared) == 2, "\(compared)")
    }
}
