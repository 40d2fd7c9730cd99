import ArgumentParser
import DuetCLI
import Foundation
import Sessions

/// `duet debug stream-reply`: streams a synthetic reply through `ReplyWriter` at a fixed token rate,
/// printing each flush, as the chat screen does while a model generates.
struct StreamReplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream-reply", abstract: "Stream a synthetic reply into a chat (test helper).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Session to reply in.") var session: Int64
    @Option(help: "Parent message id.") var parent: Int64?
    @Option(help: "Tokens to generate.") var tokens = 1000
    @Option(help: "Milliseconds between tokens.") var tokenMs = 20.0
    @Option(help: "ReplyWriter flush interval, milliseconds.") var flushMs = 1000.0

    func run() throws {
        let store = try global.openStore()
        let reply = try store.beginReply(in: session, parent: parent, flushInterval: flushMs / 1000) { saved in
            emit("flushed \(saved)")
        }
        emit("message \(reply.messageId ?? -1)")
        for i in 0..<tokens {
            reply.append(syntheticToken(i))
            usleep(UInt32(tokenMs * 1000))
        }
        try reply.finish(stats: MessageStats(promptTokens: 1, generatedTokens: tokens, stopReason: .maxTokens))
        emit("finished \(reply.text.count)")
    }
}
