import Foundation
import Testing
@testable import Sessions

/// Model directories added by path are remembered in the database, across processes and restarts.
@Suite struct AddedModelDirectoryTests {
    @Test func addedDirectoriesSurviveReopeningInTheOrderAddedAndCanBeForgotten() throws {
        let dir = TemporaryDirectory()
        do {
            let store = try dir.store()
            try store.addModelDirectory("/models/b")
            try store.addModelDirectory("/models/a")
            let first = try store.addedModelDirectories()
            try store.addModelDirectory("/models/b")  // again: keeps its date and place
            #expect(try store.addedModelDirectories() == first)
            try store.close()
        }
        let reopened = try dir.store()
        #expect(try reopened.addedModelDirectories().map(\.path) == ["/models/b", "/models/a"])
        #expect(try reopened.removeModelDirectory("/models/b"))
        #expect(try !reopened.removeModelDirectory("/models/b"))
        #expect(try reopened.addedModelDirectories().map(\.path) == ["/models/a"])
        #expect(throws: SessionsError.invalidArgument("an added model directory needs an absolute path, not models/c")) {
            try reopened.addModelDirectory("models/c")
        }
    }
}
