import CNcurses
#if canImport(Glibc)
import Glibc
#endif

/// The process locale, which decides whether ncursesw can print UTF-8.
public enum TerminalLocale {
    /// Sets the locale from the environment (`setlocale(LC_ALL, "")`). When that gives the plain C/POSIX
    /// locale (no `LANG` at all, common in CI and containers), switches `LC_CTYPE` to `C.UTF-8` (glibc
    /// always has it), so wide characters print. Returns the `LC_CTYPE` name and whether it is UTF-8;
    /// in any other non-UTF-8 locale (say `en_US.ISO-8859-1`) the UI falls back to ASCII glyphs.
    @discardableResult
    public static func configure() -> (name: String, isUTF8: Bool) {
        let all = setlocale(LC_ALL, "").map { String(cString: $0) }
        if all == nil || all == "C" || all == "POSIX" {
            _ = setlocale(LC_CTYPE, "C.UTF-8")
        }
        let ctype = setlocale(LC_CTYPE, nil).map { String(cString: $0) } ?? "C"
        return (ctype, isUTF8(codeset: String(cString: cn_codeset())))
    }

    /// Whether a `nl_langinfo(CODESET)` name is UTF-8 ("UTF-8", "utf8"...).
    public static func isUTF8(codeset: String) -> Bool {
        let normalized = codeset.lowercased().filter { $0 != "-" && $0 != "_" }
        return normalized == "utf8"
    }

    /// The glyph set for this locale; `DUET_ASCII=1` forces ASCII (for fonts without box drawing).
    public static func glyphs(isUTF8: Bool, environment: [String: String]) -> Glyphs {
        if let ascii = environment["DUET_ASCII"], !ascii.isEmpty, ascii != "0" { return .ascii }
        return isUTF8 ? .unicode : .ascii
    }
}
