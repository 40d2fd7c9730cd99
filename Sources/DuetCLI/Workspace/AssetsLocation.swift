import Foundation

/// Where Duet's bundled assets are (the default models in `assets/models`, the tokenizers in
/// `assets/tokenizers`): `$DUET_ASSETS`, else `assets` in the working directory, else the `assets`
/// directory of the checkout the binary was built in, found by walking up from the executable
/// (`.build/release/duet` is three levels below it), so `duet` finds its models from any directory.
package enum AssetsLocation {
    package static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment,
                        workingDirectory: String = FileManager.default.currentDirectoryPath,
                        executable: String? = runningExecutable()) -> String {
        if let explicit = environment["DUET_ASSETS"], !explicit.isEmpty { return explicit }
        let local = workingDirectory + "/assets"
        if isAssetsDirectory(local) { return "assets" }
        if let executable {
            var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
            for _ in 0..<5 {
                let candidate = directory.appendingPathComponent("assets").path
                if isAssetsDirectory(candidate) { return candidate }
                directory.deleteLastPathComponent()
            }
        }
        return "assets"
    }

    /// A directory holding Duet's bundled models or tokenizers.
    static func isAssetsDirectory(_ path: String) -> Bool {
        let files = FileManager.default
        return files.fileExists(atPath: path + "/models") || files.fileExists(atPath: path + "/tokenizers")
    }

    /// The path of this process's executable with symbolic links resolved (Linux: /proc/self/exe).
    static func runningExecutable() -> String? {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        return CommandLine.arguments.first.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }
    }
}
