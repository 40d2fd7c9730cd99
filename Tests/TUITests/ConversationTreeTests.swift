import Foundation
import Sessions
import Testing
@testable import TUI

@Suite struct ConversationTreeTests {
    func message(_ id: Int64, parent: Int64?, _ role: Message.Role, _ text: String = "") -> Message {
        Message(id: id, sessionId: 1, parentId: parent, role: role, content: text.isEmpty ? "m\(id)" : text, status: .complete,
                error: nil, createdAt: Date(), updatedAt: Date(), stats: nil)
    }

    /// 1 user → 2 reply, regenerated as 3; 1 edited as 4 → 5 reply; 5 followed by 6 → 7.
    var tree: ConversationTree {
        ConversationTree([message(1, parent: nil, .user), message(2, parent: 1, .assistant), message(3, parent: 1, .assistant),
                          message(4, parent: nil, .user), message(5, parent: 4, .assistant), message(6, parent: 5, .user),
                          message(7, parent: 6, .assistant)].shuffled())
    }

    @Test func branchesVersionsAndLatestLeaves() {
        let t = tree
        #expect(t.latestLeaf == 7)
        #expect(t.path(to: 7).map(\.id) == [4, 5, 6, 7])
        #expect(t.path(to: 2).map(\.id) == [1, 2])
        #expect(t.versions(of: 4) == [1, 4])
        #expect(t.versions(of: 2) == [2, 3])
        #expect(t.versions(of: 6) == [6])
        #expect(t.sibling(of: 4, offset: -1) == 1)
        #expect(t.sibling(of: 4, offset: 1) == nil)
        #expect(t.latestLeaf(under: 1) == 3)  // the newest reply under the first question
        #expect(t.latestLeaf(under: 4) == 7)
        #expect(t.latestLeaf(under: 7) == 7)
    }

    @Test func insertAndUpdateKeepOrder() {
        var t = tree
        t.insert(message(8, parent: 6, .assistant))
        #expect(t.versions(of: 8) == [7, 8])
        t.update(8) { $0.content += " more" }
        #expect(t[8]?.content == "m8 more")
        #expect(t.path(to: 8).map(\.id) == [4, 5, 6, 8])
    }
}
