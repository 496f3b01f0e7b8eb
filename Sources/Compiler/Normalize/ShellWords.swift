/// Splits a command string into words the way a POSIX shell would, without expansions:
/// docker compose turns `command: echo "a b"` into `["echo", "a b"]` the same way.
enum ShellWords {
    static func split(_ text: String, at location: SourceLocation, path: @autoclosure () -> String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                if quote == "\"" && !"\"\\$`\n".contains(character) { current.append("\\") }
                if character != "\n" { current.append(character) }
                escaped = false
                inWord = true
                continue
            }
            if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
                inWord = true
            case "\\":
                escaped = true
            case " ", "\t", "\n":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            default:
                current.append(character)
                inWord = true
            }
        }
        if quote != nil {
            throw CompileError("unterminated quote in command string", at: location, path: path())
        }
        if inWord || escaped { words.append(current) }
        return words
    }
}
