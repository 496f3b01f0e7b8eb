import Foundation

/// Finds `{{token}}` occurrences in plan strings.
public enum PlaceholderTokens {
    /// The tokens (text between `{{` and `}}`) in `text`, in order of appearance.
    public static func tokens(in text: String) -> [String] {
        var result: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else { break }
            result.append(String(afterOpen[..<close.lowerBound]))
            rest = afterOpen[close.upperBound...]
        }
        return result
    }

    /// `text` with every `{{token}}` replaced by `value`.
    public static func substitute(_ token: String, with value: String, in text: String) -> String {
        text.replacingOccurrences(of: "{{" + token + "}}", with: value)
    }
}
