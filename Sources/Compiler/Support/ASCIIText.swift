import FoundationEssentials

/// Searches for an ASCII character, on the bytes when the text is ASCII.
enum ASCIIText {
    /// Whether `text` contains the ASCII character `byte` as a Unicode scalar of its own (an `=`
    /// followed by an accent counts, as Go's byte search counts it); for ASCII text, a byte search.
    static func contains(_ text: String, _ byte: UInt8) -> Bool {
        let bytes = text.utf8
        if bytes.allSatisfy({ $0 < 0x80 }) { return bytes.contains(byte) }
        return text.unicodeScalars.contains(UnicodeScalar(byte))
    }

    /// Whether `text`'s UTF-8 holds `byte`, searched in its contiguous bytes (a search through the
    /// `utf8` view's iterator costs several times more).
    static func hasByte(_ text: String, _ byte: UInt8) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.contains(byte) } ?? text.utf8.contains(byte)
    }
}
