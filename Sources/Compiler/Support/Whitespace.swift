extension StringProtocol {
    /// The text without leading and trailing spaces and tabs: Unicode scalars of general category
    /// Zs (space separators), U+0009 and U+200B (zero width space), exactly the set Foundation
    /// calls `CharacterSet.whitespaces` (checked over every scalar). Line breaks are kept.
    func trimmingHorizontalWhitespace() -> String {
        let scalars = unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end && Self.isHorizontalWhitespace(scalars[start]) { start = scalars.index(after: start) }
        while start < end && Self.isHorizontalWhitespace(scalars[scalars.index(before: end)]) {
            end = scalars.index(before: end)
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars[start..<end])
        return String(result)
    }

    static func isHorizontalWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || scalar == "\t" }
        return scalar.properties.generalCategory == .spaceSeparator || scalar == "\u{200B}"
    }
}
