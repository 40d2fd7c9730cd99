/// Scores a model's reply against an expected answer, by `CheckKind`.
///
/// Both sides go through the same normalisation, so an answer the generator wrote always passes its
/// own check (the tests hold every generated chat to that).
public enum TaskChecker {
    /// Whether `reply` gives `answer` under `check`.
    public static func isCorrect(reply: String, answer: String, check: CheckKind) -> Bool {
        switch check {
        case .exact:
            return collapseWhitespace(reply) == collapseWhitespace(answer)
        case .caseless:
            let r = caseless(reply)
            return !r.isEmpty && r == caseless(answer)
        case .number:
            guard let expected = lastInteger(in: answer), let got = lastInteger(in: reply) else { return false }
            return got == expected
        case .list:
            let r = listItems(reply)
            return !r.isEmpty && r == listItems(answer)
        }
    }

    /// Trimmed, with every run of whitespace (spaces, tabs, newlines) made one space.
    public static func collapseWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Lower case, without trailing sentence punctuation, surrounding quotes or a leading article.
    public static func caseless(_ text: String) -> String {
        var s = collapseWhitespace(text).lowercased()
        while let last = s.last, ".!?\"'".contains(last) { s.removeLast() }
        while let first = s.first, "\"'".contains(first) { s.removeFirst() }
        s = collapseWhitespace(s)
        for article in ["the ", "a ", "an "] where s.hasPrefix(article) && s.count > article.count {
            s.removeFirst(article.count)
            break
        }
        return s
    }

    /// The last integer written in `text` ("7 + 5 = 12." -> 12, "-3" -> -3); nil if there is none. A
    /// minus sign counts only when it does not follow a letter or digit ("5-3" reads as 5 and 3).
    public static func lastInteger(in text: String) -> Int? {
        let chars = Array(text)
        var i = chars.count - 1
        while i >= 0 {
            guard chars[i].isASCII, chars[i].isNumber else { i -= 1; continue }
            let end = i
            while i >= 0, chars[i].isASCII, chars[i].isNumber { i -= 1 }
            var start = i + 1
            if i >= 0, chars[i] == "-", i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber) { start = i }
            return Int(String(chars[start...end]))
        }
        return nil
    }

    /// The items of a list reply, lower-cased: split on commas when there are any, else on spaces;
    /// a trailing period and an "and" before the last item are dropped.
    public static func listItems(_ text: String) -> [String] {
        var s = collapseWhitespace(text).lowercased()
        while let last = s.last, ".!".contains(last) { s.removeLast() }
        var items: [String]
        if s.contains(",") {
            items = s.split(separator: ",").map { collapseWhitespace(String($0)) }.filter { !$0.isEmpty }
            // "a, b and c" / "a, b, and c"
            if items.count > 1, let last = items.last {
                if last.hasPrefix("and ") {
                    items[items.count - 1] = String(last.dropFirst(4))
                } else if let range = last.range(of: " and ") {
                    items[items.count - 1] = String(last[..<range.lowerBound])
                    items.append(String(last[range.upperBound...]))
                }
            }
        } else {
            items = s.split(separator: " ").map(String.init)
            // "a b and c"
            if items.count > 2, items[items.count - 2] == "and" { items.remove(at: items.count - 2) }
        }
        return items
    }
}
