/// Parses the dotenv format the way docker compose (compose-go) reads `.env` and `env_file:` files.
///
/// - `KEY=value`, `KEY: value`, optional `export ` prefix, blank lines and `#` comment lines.
/// - Unquoted values end at the line's end, lose trailing blanks and an inline comment that starts
///   with ` #`, and are interpolated (`${VAR}` and friends).
/// - Single-quoted values are literal, may span lines, and only `\'` is unescaped.
/// - Double-quoted values may span lines, understand `\n \t \r \" \\ \$` and octal escapes, and are
///   interpolated.
/// - A line holding only `KEY` takes `KEY` from the lookup when it is set there, else is skipped.
///
/// Interpolation looks a name up in `lookup` first (the process environment) and then among the
/// variables already read, exactly the order compose uses. Broken lines fail with the file, line and
/// column of the offending character.
public struct DotEnvParser {
    public var file: String
    public var lookup: (String) -> String?

    public init(file: String, lookup: @escaping (String) -> String? = { _ in nil }) {
        self.file = file
        self.lookup = lookup
    }

    /// Reads `text` into `variables`, which may already hold earlier files' variables.
    public func parse(_ text: String, into variables: inout [String: String], order: inout [String]) throws {
        var source = Array(text.unicodeScalars)
        if source.first == "\u{FEFF}" { source.removeFirst() }
        var cursor = DotEnvCursor(source: source, file: file)
        while true {
            cursor.skipWhitespaceAndNewlines()
            guard let char = cursor.peek else { break }
            if char == "#" {
                cursor.skipLine()
                continue
            }
            let (key, inherited) = try cursor.readKey()
            if inherited {
                if let value = lookup(key) ?? variables[key] { set(key, value, &variables, &order) }
                continue
            }
            let value = try readValue(&cursor, variables: variables)
            set(key, value, &variables, &order)
        }
    }

    func set(_ key: String, _ value: String, _ variables: inout [String: String], _ order: inout [String]) {
        if variables.updateValue(value, forKey: key) == nil { order.append(key) }
    }

    func readValue(_ cursor: inout DotEnvCursor, variables: [String: String]) throws -> String {
        let start = cursor.location
        guard let quote = cursor.peek, quote == "\"" || quote == "'" else {
            var raw = cursor.readToEndOfLine()
            // An inline comment starts at the first ` #`, found on the scalars as compose-go finds it.
            if let comment = raw.unicodeScalars.firstRange(of: [" ", "#"]) {
                raw = String(raw.unicodeScalars[..<comment.lowerBound])
            }
            while let last = raw.unicodeScalars.last, last.properties.isWhitespace { raw.unicodeScalars.removeLast() }
            return try expand(raw, variables: variables, at: start)
        }
        let body = try cursor.readQuoted(quote)
        guard quote == "\"" else { return body }
        return try expand(Self.unescape(body), variables: variables, at: start)
    }

    func expand(_ value: String, variables: [String: String], at location: SourceLocation) throws -> String {
        let template = VariableTemplate(lookup: { name in lookup(name) ?? variables[name] })
        do {
            return try template.substitute(value)
        } catch {
            throw CompileError(error.message, at: location)
        }
    }

    /// The one-character escapes of double-quoted values and what they stand for.
    static let simpleEscapes: [Unicode.Scalar: String] = [
        "a": "\u{07}", "b": "\u{08}", "f": "\u{0C}", "n": "\n", "r": "\r", "t": "\t", "v": "\u{0B}",
        "\"": "\"", "\\": "\\", "$": "$$",
    ]

    /// Applies double-quote escapes; `\$` becomes `$$` so interpolation keeps a literal `$`.
    static func unescape(_ text: String) -> String {
        let chars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < chars.count {
            let char = chars[index]
            guard char == "\\", index + 1 < chars.count else {
                output.append(char)
                index += 1
                continue
            }
            let next = chars[index + 1]
            if let replacement = simpleEscapes[next] {
                output.append(contentsOf: replacement.unicodeScalars)
                index += 2
            } else if next == "0" {
                var end = index + 2
                while end < chars.count, end < index + 5, ("0"..."7").contains(chars[end]) { end += 1 }
                let digits = String(String.UnicodeScalarView(chars[(index + 2)..<end]))
                let code = digits.isEmpty ? 0 : UInt32(digits, radix: 8) ?? 0
                output.append(Unicode.Scalar(code) ?? "\0")
                index = end
            } else {
                output.append(char)
                index += 1
            }
        }
        return String(output)
    }
}

/// A position in dotenv text, with the primitive reads the parser needs.
struct DotEnvCursor {
    let source: [Unicode.Scalar]
    let file: String
    var index = 0
    var line = 1
    var column = 1

    var peek: Unicode.Scalar? { index < source.count ? source[index] : nil }
    var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    mutating func advance() {
        if source[index] == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        index += 1
    }

    /// Blanks other than a newline, as compose counts them.
    static func isBlank(_ char: Unicode.Scalar) -> Bool {
        ["\t", "\u{0B}", "\u{0C}", "\r", " ", "\u{85}", "\u{A0}"].contains(char)
    }

    mutating func skipWhitespaceAndNewlines() {
        while let char = peek, char.properties.isWhitespace { advance() }
    }

    mutating func skipBlanks() {
        while let char = peek, Self.isBlank(char) { advance() }
    }

    mutating func skipLine() {
        while let char = peek, char != "\n" { advance() }
    }

    mutating func readToEndOfLine() -> String {
        var text = String.UnicodeScalarView()
        while let char = peek, char != "\n" {
            text.append(char)
            advance()
        }
        if peek == "\n" { advance() }
        return String(text)
    }

    /// Reads `KEY=`, `KEY:` or a lone `KEY` line; returns the key and whether it has no value.
    mutating func readKey() throws -> (String, Bool) {
        if hasExportPrefix() {
            for _ in 0..<6 { advance() }
            skipBlanks()
        }
        let start = location
        var key = String.UnicodeScalarView()
        while let char = peek {
            if Self.isBlank(char) {
                key.append(char)
                advance()
                continue
            }
            switch char {
            case "=", ":", "\n":
                advance()
                let name = String(key).trimmingTrailingWhitespace()
                if name.contains(" ") {
                    throw CompileError("variable name '\(name)' cannot contain a space", at: start)
                }
                if char != "\n" { skipBlanks() }
                return (name, char == "\n")
            case "_", ".", "-", "[", "]":
                key.append(char)
                advance()
            default:
                guard char.properties.isAlphabetic || char.properties.numericType != nil else {
                    throw CompileError(
                        "unexpected character '\(Character(char))' in variable name; expected KEY=VALUE",
                        at: location)
                }
                key.append(char)
                advance()
            }
        }
        return (String(key).trimmingTrailingWhitespace(), true)
    }

    func hasExportPrefix() -> Bool {
        let word: [Unicode.Scalar] = ["e", "x", "p", "o", "r", "t"]
        guard index + 6 < source.count, Array(source[index..<(index + 6)]) == word else { return false }
        return source[index + 6].properties.isWhitespace
    }

    /// Reads a quoted value from its opening quote through its closing quote.
    mutating func readQuoted(_ quote: Unicode.Scalar) throws -> String {
        let start = location
        advance()
        var text = String.UnicodeScalarView()
        var escaped = false
        while let char = peek {
            advance()
            if char != quote {
                if !escaped && char == "\\" {
                    escaped = true
                    continue
                }
                if escaped {
                    escaped = false
                    text.append("\\")
                }
                text.append(char)
                continue
            }
            if escaped {
                escaped = false
                text.append(char)
                continue
            }
            return String(text)
        }
        throw CompileError("unterminated quoted value: the \(Character(quote)) opened here is never closed", at: start)
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var scalars = unicodeScalars
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
