/// Shell quoting as Incus reads `oci.entrypoint` (it splits the value like a POSIX shell): the
/// compiler writes compose command lines with it and apply writes an image's ENTRYPOINT and CMD.
public enum ShellQuoting {
    /// Quotes a word for a POSIX shell only when it needs it.
    public static func quote(_ word: String) -> String {
        // ASCII letters, digits and `-_./=:,@%+`, tested on the bytes: a character is safe exactly
        // when it is one such byte (any other byte, as in `\r\n` or a non-ASCII character, is not).
        let safe = word.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "="),
                UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "@"), UInt8(ascii: "%"), UInt8(ascii: "+"):
                return true
            default: return false
            }
        }
        if safe && !word.isEmpty { return word }
        return "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// Splits a command line into words the way a POSIX shell would, without expansions (how Incus
    /// reads `oci.entrypoint`, and how docker compose reads a command string); `nil` for an
    /// unterminated quote.
    public static func split(_ text: String) -> [String]? {
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
        if quote != nil { return nil }
        if inWord || escaped { words.append(current) }
        return words
    }
}
