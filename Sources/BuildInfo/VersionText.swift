// The rest of this module, `BuildInfo` itself, is written before every build by the BuildInfoPlugin
// (scripts/build-info.sh).

extension BuildInfo {
    /// What `PROGRAM --version` prints: `compose-compile 0.5.0 (commit 0123abcd4567)`.
    public static func versionText(of program: String) -> String { "\(program) \(description)" }
}
