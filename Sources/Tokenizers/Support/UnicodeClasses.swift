/// Character classes as the Rust `regex` crate and Python define them, for the pieces of tokenizers
/// and templates that are specified with regexes or Python string methods.
enum UnicodeClasses {
    /// Rust regex `\s`: the Unicode White_Space property.
    @inline(__always)
    static func isWhitespace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }

    /// Rust regex `\w`: Alphabetic, marks, decimal digits, connector punctuation, Join_Control.
    static func isWord(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII {
            let v = s.value
            return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || v == 0x5F
        }
        let p = s.properties
        if p.isAlphabetic || p.isJoinControl { return true }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }

    /// `\p{L}`.
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// `\p{N}` and Rust's `char::is_numeric`: Nd, Nl, No.
    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// Python's `str.isspace` (what Jinja's `trim` strips): White_Space plus U+001C...U+001F.
    static func isPythonSpace(_ s: Unicode.Scalar) -> Bool {
        (0x1C...0x1F).contains(s.value) || s.properties.isWhitespace
    }
}
