import Foundation

/// Answers Foundation's string search would give, found on the bytes when the text is ASCII (where
/// the two agree); other text still goes through Foundation.
enum ASCIIText {
    /// Whether `text` contains the ASCII character `byte`: Foundation's `text.contains("=")`
    /// (a `range(of:)` search, about 5,000 instructions a call) without the search for ASCII text.
    static func contains(_ text: String, _ byte: UInt8) -> Bool {
        let bytes = text.utf8
        if bytes.allSatisfy({ $0 < 0x80 }) { return bytes.contains(byte) }
        return text.range(of: String(UnicodeScalar(byte))) != nil
    }

    /// Whether `text`'s UTF-8 holds `byte`, searched in its contiguous bytes (a search through the
    /// `utf8` view's iterator costs several times more).
    static func hasByte(_ text: String, _ byte: UInt8) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.contains(byte) } ?? text.utf8.contains(byte)
    }
}
