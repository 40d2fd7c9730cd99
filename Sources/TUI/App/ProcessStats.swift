import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Live numbers about this process for the status bar.
public enum ProcessStats {
    /// Resident memory in bytes, from the second field of `/proc/self/statm` (pages), or nil off Linux.
    public static func residentBytes() -> Int? {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { return nil }
        return parseStatm(String(decoding: buffer[0..<n], as: UTF8.self), pageSize: Int(sysconf(Int32(_SC_PAGESIZE))))
    }

    /// Resident bytes from the text of `/proc/<pid>/statm` ("size resident shared text lib data dt").
    public static func parseStatm(_ text: String, pageSize: Int) -> Int? {
        let fields = text.split(separator: " ")
        guard fields.count >= 2, let pages = Int(fields[1]) else { return nil }
        return pages * pageSize
    }

    /// "812 KiB", "23.4 MiB", "1.20 GiB".
    public static func formatBytes(_ bytes: Int) -> String {
        let kib = Double(bytes) / 1024
        if kib < 1024 { return String(format: "%.0f KiB", kib) }
        let mib = kib / 1024
        if mib < 1024 { return String(format: mib < 100 ? "%.1f MiB" : "%.0f MiB", mib) }
        return String(format: "%.2f GiB", mib / 1024)
    }
}
