import Glibc

extension FilePaths {
    /// True when `path` exists and is a regular file (or a link to one), not a directory.
    static func isFile(_ path: String) -> Bool {
        guard let mode = mode(of: path) else { return false }
        return mode & S_IFMT != S_IFDIR
    }

    /// True when `path` exists and is a directory.
    static func isDirectory(_ path: String) -> Bool {
        guard let mode = mode(of: path) else { return false }
        return mode & S_IFMT == S_IFDIR
    }

    /// The file type and permission bits of `path`, links followed (`stat`); `nil` when it does
    /// not exist or cannot be reached.
    static func mode(of path: String) -> mode_t? {
        var status = stat()
        return stat(path, &status) == 0 ? status.st_mode : nil
    }
}
