/// A binary min-heap ordered by `Element.<`: the BPE agendas (pop the best merge, push new
/// neighbours) that keep encoding at O(n log n) per chunk. Sifts move a hole instead of swapping.
struct MinHeap<Element: Comparable> {
    private(set) var storage: [Element] = []

    init(capacity: Int = 0) { storage.reserveCapacity(capacity) }

    var isEmpty: Bool { storage.isEmpty }
    var count: Int { storage.count }

    mutating func removeAll() { storage.removeAll(keepingCapacity: true) }

    mutating func push(_ element: Element) {
        storage.append(element)
        storage.withUnsafeMutableBufferPointer { heap in
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) >> 1
                if !(element < heap[parent]) { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = element
        }
    }

    mutating func pop() -> Element? {
        guard let last = storage.popLast() else { return nil }
        if storage.isEmpty { return last }
        return storage.withUnsafeMutableBufferPointer { heap -> Element in
            let top = heap[0]
            let n = heap.count
            var hole = 0
            while true {
                var child = 2 * hole + 1
                if child >= n { break }
                if child + 1 < n && heap[child + 1] < heap[child] { child += 1 }
                if !(heap[child] < last) { break }
                heap[hole] = heap[child]
                hole = child
            }
            heap[hole] = last
            return top
        }
    }
}
