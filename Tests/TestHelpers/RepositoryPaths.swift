import Foundation

/// Where the repository is, for tests that read its scripts, golden files and fixtures.
public enum RepositoryPaths {
    /// The repository root (two levels above this file's folder).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
