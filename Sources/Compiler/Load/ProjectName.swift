/// Compose project names: lowercase letters, digits, `_` and `-`, starting with a letter or digit.
enum ProjectName {
    /// Makes a directory name into a project name the way docker compose does: lowercase it and
    /// drop every other character.
    static func fromDirectoryName(_ name: String) -> String {
        var result = ""
        for character in name.lowercased() {
            guard character.isASCII, character.isLetter || character.isNumber || character == "_" || character == "-"
            else { continue }
            if result.isEmpty && (character == "_" || character == "-") { continue }
            result.append(character)
        }
        return result
    }

    /// True when `name` may be used as given.
    static func isValid(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLowercase || first.isNumber else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}
