/// Placeholder namespace until the store lands (issue: Sessions).
public enum SessionsInfo {
    public static let schemaVersion = 0
}
