extension String {
    /// Splits on a multi-character separator (Foundation-free).
    func splitting(on separator: String) -> [String] {
        var result: [String] = []
        var remaining = Substring(self)
        while let range = remaining.firstRange(of: separator) {
            result.append(String(remaining[..<range.lowerBound]))
            remaining = remaining[range.upperBound...]
        }
        result.append(String(remaining))
        return result
    }
}
