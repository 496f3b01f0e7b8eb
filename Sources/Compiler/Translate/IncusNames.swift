import Plan

/// Incus naming rules, applied deterministically so the same compose names give the same Incus names.
enum IncusNames {
    /// An instance name: a valid hostname label (letters, digits, `-`; 1-63 characters; starting with
    /// a letter; not ending with `-`). Other characters become `-`; runs of `-` collapse.
    static func instanceName(_ raw: String) -> String {
        if let name = raw.utf8.withContiguousStorageIfAvailable(asciiInstanceName), let name { return name }
        return instanceNameCharacters(raw)
    }

    /// `instanceNameCharacters` on the bytes of ASCII text (where a byte is a character, and a
    /// `\r\n` pair, one character, becomes one `-` either way); `nil` for other text.
    private static func asciiInstanceName(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 2)
        for byte in bytes {
            switch byte {
            case 0x80...: return nil
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                result.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                result.append(byte + 0x20)
            default:
                if result.last != UInt8(ascii: "-") { result.append(UInt8(ascii: "-")) }
            }
        }
        var start = 0
        while start < result.count && result[start] == UInt8(ascii: "-") { start += 1 }
        var name = Array(result[start...])
        if let first = name.first, !(UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) {
            name = Array("c-".utf8) + name
        }
        if name.isEmpty { name = [UInt8(ascii: "c")] }
        if name.count > 63 {
            name = Array(name.prefix(54)) + [UInt8(ascii: "-")] + Array(SHA256.hexDigest(Array(bytes)).utf8.prefix(8))
        }
        while name.last == UInt8(ascii: "-") { name.removeLast() }
        return String(decoding: name, as: UTF8.self)
    }

    /// Character by character, for any text.
    static func instanceNameCharacters(_ raw: String) -> String {
        var result = ""
        for character in raw.lowercased() {
            let keep = character.isASCII && (character.isLetter || character.isNumber)
            if keep {
                result.append(character)
            } else if !result.hasSuffix("-") {
                result.append("-")
            }
        }
        while result.hasPrefix("-") { result.removeFirst() }
        if let first = result.first, !first.isLetter { result = "c-" + result }
        if result.isEmpty { result = "c" }
        if result.count > 63 {
            result = String(result.prefix(54)) + "-" + String(SHA256.hexDigest(Array(raw.utf8)).prefix(8))
        }
        while result.hasSuffix("-") { result.removeLast() }
        return result
    }

    /// A network name that is a valid Linux interface name (at most 15 characters of lowercase letters,
    /// digits and `-`, starting with a letter), derived from the docker network name (`myapp_default`
    /// → `myapp-default`). Names that do not fit become a prefix plus a short hash of the docker name,
    /// stable across runs and machines.
    static func networkName(_ dockerName: String) -> String {
        var cleaned = ""
        for character in dockerName.lowercased() {
            let keep = character.isASCII && (character.isLetter || character.isNumber || character == "-")
            cleaned.append(keep ? character : "-")
        }
        if cleaned.count <= 15, cleaned.first?.isLetter == true, !cleaned.hasSuffix("-") { return cleaned }
        let hash = String(SHA256.hexDigest(Array(dockerName.utf8)).prefix(6))
        var prefix = String(cleaned.filter { $0 != "-" }.prefix(8))
        if prefix.first?.isLetter != true { prefix = "n" + prefix.prefix(7) }
        return prefix + "-" + hash
    }

    /// A storage volume or device name: letters, digits, `-`, `_` and `.`; anything else becomes `-`.
    static func volumeName(_ raw: String) -> String {
        // Most names are kept as they are: checking the bytes is enough when every one is an ASCII
        // letter, digit, `-`, `_` or `.` (each byte is then one character of its own).
        if !raw.isEmpty && raw.utf8.allSatisfy(isVolumeNameByte) { return raw }
        return volumeNameCharacters(raw)
    }

    /// `volumeName` character by character, for any name.
    static func volumeNameCharacters(_ raw: String) -> String {
        var result = ""
        for character in raw {
            let keep = character.isASCII && (character.isLetter || character.isNumber || "-_.".contains(character))
            result.append(keep ? character : "-")
        }
        return result.isEmpty ? "volume" : result
    }

    private static func isVolumeNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default: return false
        }
    }
}
