import ArgumentParser
import DuetCLI
import Foundation
import Sessions

/// `duet debug hold-lock`: holds the database's write lock for a while, as a long write by another
/// process (a trainer's checkpoint bookkeeping, a slow disk) would. Prints `locked` once it holds the
/// lock and `released` after.
struct HoldLockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold-lock", abstract: "Hold the database write lock for a while (test helper).")

    @OptionGroup var global: GlobalOptions
    @Option(help: "How long to hold the lock, seconds.") var seconds = 5.0
    @Option(name: .customLong("until-file"), help: ArgumentHelp(
        "Release earlier, as soon as this file exists.", valueName: "path"))
    var releaseFile: String?

    func run() throws {
        let store = try global.openStore()
        try store.withWriteLock {
            emit("locked")
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if let releaseFile, FileManager.default.fileExists(atPath: releaseFile) { break }
                usleep(10_000)
            }
        }
        emit("released")
    }
}
