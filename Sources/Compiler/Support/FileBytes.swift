import Glibc
import Plan

/// A file's bytes, read once into memory of their own and shared, not copied, by the YAML reader
/// (libyaml keeps a pointer into them while it parses) and the queue that hashes them.
///
/// Fresh memory is costly at its first touch, and a compose file of several megabytes was read into
/// a `Data`, copied into an array, then copied again for libyaml: three buffers where one does.
final class FileBytes: @unchecked Sendable {
    /// The bytes; never changed once the file is read, so any thread may read them while it holds
    /// this value (the YAML reader keeps it for as long as libyaml points into them).
    let bytes: UnsafeBufferPointer<UInt8>

    private init(_ bytes: UnsafeMutableBufferPointer<UInt8>) {
        self.bytes = UnsafeBufferPointer(bytes)
    }

    /// A copy of `array`.
    convenience init(copying array: [UInt8]) {
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(array.count, 1))
        _ = storage.initialize(from: array)
        self.init(UnsafeMutableBufferPointer(rebasing: storage[..<array.count]))
    }

    deinit {
        bytes.deallocate()
    }

    var count: Int { bytes.count }

    /// The SHA-256 digest of the bytes. A method, so the bytes are alive while they are hashed: a
    /// pointer taken out of a `FileBytes` nothing else holds dangles once that value is freed.
    var hexDigest: String { SHA256.hexDigest(UnsafeRawBufferPointer(bytes)) }

    /// The bytes of the regular file at `path`, as many as its size when opened; nil when it cannot
    /// be opened or read, or is not a regular file (a device such as /dev/zero would never end).
    /// Everything on standard input (`-f -`), read once: a second call gets the same bytes.
    static func standardInput() -> FileBytes {
        standardInputBytes
    }

    private static let standardInputBytes: FileBytes = {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes += chunk[..<count]
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        return FileBytes(copying: bytes)
    }()

    static func read(_ path: String) -> FileBytes? {
        // Without O_NONBLOCK, opening a FIFO would wait for a writer; reading a regular file is unchanged.
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = Int(status.st_size)
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(size, 1))
        var count = 0
        while count < size, let base = storage.baseAddress {
            let read = Glibc.read(descriptor, base + count, size - count)
            if read == 0 { break }
            if read < 0 {
                if errno == EINTR { continue }
                storage.deallocate()
                return nil
            }
            count += read
        }
        return FileBytes(UnsafeMutableBufferPointer(rebasing: storage[..<count]))
    }
}
