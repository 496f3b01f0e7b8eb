extension String {
    /// Every occurrence of `target` replaced by `replacement`, left to right and without overlaps,
    /// comparing Unicode scalars one for one (as Go's `strings.ReplaceAll` compares bytes): a `$`
    /// followed by a combining accent is still a `$`. An empty `target` changes nothing.
    ///
    /// This is what the compiler needs of Foundation's `replacingOccurrences(of:with:)`, which is
    /// not in FoundationEssentials; keeping to FoundationEssentials keeps compose-compile small and
    /// quick to start.
    public func replacingScalars(of target: String, with replacement: String) -> String {
        let pattern = Array(target.unicodeScalars)
        guard let first = pattern.first else { return self }
        let scalars = Array(unicodeScalars)
        guard scalars.contains(first) else { return self }
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == first && index + pattern.count <= scalars.count
                && scalars[index..<index + pattern.count].elementsEqual(pattern)
            {
                result.append(contentsOf: replacement.unicodeScalars)
                index += pattern.count
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return String(result)
    }
}
