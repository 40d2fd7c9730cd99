/// A binary min-heap ordered by `Element.<`: the BPE agendas (pop the best merge, push new
/// neighbours) that keep encoding at O(n log n) per chunk.
struct MinHeap<Element: Comparable> {
    private(set) var storage: [Element] = []

    init(capacity: Int = 0) { storage.reserveCapacity(capacity) }

    var isEmpty: Bool { storage.isEmpty }
    var count: Int { storage.count }

    mutating func removeAll() { storage.removeAll(keepingCapacity: true) }

    mutating func push(_ element: Element) {
        storage.append(element)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if !(storage[child] < storage[parent]) { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Element? {
        guard let last = storage.popLast() else { return nil }
        guard !storage.isEmpty else { return last }
        let top = storage[0]
        storage[0] = last
        var parent = 0
        let n = storage.count
        while true {
            let left = 2 * parent + 1
            if left >= n { break }
            let right = left + 1
            let child = right < n && storage[right] < storage[left] ? right : left
            if !(storage[child] < storage[parent]) { break }
            storage.swapAt(child, parent)
            parent = child
        }
        return top
    }
}
