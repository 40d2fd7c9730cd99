/// A command that could not do its work: swift-argument-parser prints "Error: <message>" to stderr and
/// exits with status 1 (unlike `CleanExit.message`, which prints to stdout and exits with 0).
package struct CommandFailure: Error, CustomStringConvertible {
    let message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { message }
}
