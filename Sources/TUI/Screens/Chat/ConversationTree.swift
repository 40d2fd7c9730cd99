import Sessions

/// The messages of one chat as a tree (editing or regenerating adds a sibling), and the branches
/// through it. Pure data: the chat screen keeps one per open session, in sync with the database.
struct ConversationTree {
    private(set) var messages: [Int64: Message] = [:]
    /// Children of each message (nil: the roots), oldest first.
    private(set) var children: [Int64?: [Int64]] = [:]

    init(_ all: [Message] = []) {
        for message in all.sorted(by: { $0.id < $1.id }) { insert(message) }
    }

    var isEmpty: Bool { messages.isEmpty }
    subscript(id: Int64) -> Message? { messages[id] }

    /// Adds a message (its parent, if any, must already be in the tree).
    mutating func insert(_ message: Message) {
        if messages[message.id] == nil { children[message.parentId, default: []].append(message.id) }
        messages[message.id] = message
    }

    /// Changes a message in place (streamed text, final status and stats).
    mutating func update(_ id: Int64, _ change: (inout Message) -> Void) {
        guard messages[id] != nil else { return }
        change(&messages[id]!)  // in place: a streamed reply grows without copying its text each token
    }

    /// The branch from its root down to `leaf`.
    func path(to leaf: Int64) -> [Message] {
        var out: [Message] = []
        var id: Int64? = leaf
        while let current = id, let message = messages[current] {
            out.append(message)
            id = message.parentId
        }
        return out.reversed()
    }

    /// The most recently created message below `id` (or `id` itself): the end of the branch the user
    /// last worked on under it. Children are newer than their parents, so it is always a leaf.
    func latestLeaf(under id: Int64) -> Int64 {
        var best = id
        var stack = children[id] ?? []
        while let next = stack.popLast() {
            best = max(best, next)
            stack += children[next] ?? []
        }
        return best
    }

    /// The newest message of the whole chat (the branch to show when the chat opens).
    var latestLeaf: Int64? { messages.keys.max() }

    /// The versions of a message: it and its siblings, oldest first.
    func versions(of id: Int64) -> [Int64] {
        guard let message = messages[id] else { return [] }
        return children[message.parentId] ?? [id]
    }

    /// The sibling `offset` places from `id` (-1: previous version), or nil past either end.
    func sibling(of id: Int64, offset: Int) -> Int64? {
        let all = versions(of: id)
        guard let index = all.firstIndex(of: id), all.indices.contains(index + offset) else { return nil }
        return all[index + offset]
    }
}
