import FoundationEssentials

/// Searches for an ASCII character on the bytes of a text.
enum ASCIIText {
    /// Whether `text`'s UTF-8 holds `byte`, searched in its contiguous bytes (a search through the
    /// `utf8` view's iterator costs several times more). For an ASCII `byte` this is whether the
    /// text holds that character as a Unicode scalar of its own (an `=` followed by an accent
    /// counts, as Go's byte search counts it): UTF-8 never uses an ASCII byte inside another
    /// scalar's encoding.
    static func hasByte(_ text: String, _ byte: UInt8) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.contains(byte) } ?? text.utf8.contains(byte)
    }
}
