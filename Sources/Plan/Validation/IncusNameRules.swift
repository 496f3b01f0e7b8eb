/// Which names Incus accepts, checked before any request so a bad plan fails with its JSON pointer.
public enum IncusNameRules {
    /// Instance names: 1–63 letters, digits and hyphens, not starting with a digit or hyphen, not ending
    /// with a hyphen (they become host names).
    public static func isValidInstanceName(_ name: String) -> Bool {
        guard (1...63).contains(name.count), let first = name.first, let last = name.last else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            && first.isLetter && last != "-"
    }

    /// Bridge names become Linux interface names: at most 15 characters, no `/`, `:` or spaces.
    public static func isValidNetworkName(_ name: String) -> Bool {
        guard (1...15).contains(name.count), name.first != "-" else { return false }
        return name.allSatisfy(isPlainCharacter)
    }

    /// Project, storage volume and device names: letters, digits, `-`, `_` and `.`, not `.` or `..`.
    public static func isValidPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 63 && name != "." && name != ".." && name.allSatisfy(isPlainCharacter)
    }

    private static func isPlainCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "-_.".contains(character))
    }
}
