/// Docker's byte sizes (`512m`, `1.5g`, `1024`, `64MiB`) and their Incus form.
enum ByteSize {
    /// Parses a docker size: a number with an optional unit b, k, m, g, t (also kb, mb, kib, mib …),
    /// case-insensitive, powers of 1024. `nil` when it is not a size or overflows.
    static func parse(_ text: String) -> Int64? {
        // The usual input is already a byte count (the model's sizes are shaped to digits): at
        // most 15 ASCII digits are exact as a Double, so the character-level reading gives that
        // same number.
        let bytes = text.utf8
        if (1...15).contains(bytes.count), bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            return Int64(text)
        }
        return parseCharacters(text)
    }

    /// `parse` character by character, for any text.
    static func parseCharacters(_ text: String) -> Int64? {
        let lowered = text.lowercased().trimming(" ")
        let digits = lowered.prefix(while: { $0.isNumber || $0 == "." })
        var unit = String(lowered.dropFirst(digits.count)).trimming(" ")
        guard !digits.isEmpty, let number = Double(digits), number.isFinite, number >= 0 else { return nil }
        if unit.hasSuffix("ib") {
            unit = String(unit.dropLast(2))
        } else if unit.hasSuffix("b") {
            unit = String(unit.dropLast())
        }
        return bytesOf(number, unit: unit)
    }

    /// `number` of `unit` (`""`, `k`, `m`, `g` or `t`) in bytes; `nil` for another unit or a
    /// count too large for Int64.
    private static func bytesOf(_ number: Double, unit: String) -> Int64? {
        let multiplier: Double
        switch unit {
        case "": multiplier = 1
        case "k": multiplier = 1024
        case "m": multiplier = 1_048_576
        case "g": multiplier = 1_073_741_824
        case "t": multiplier = 1_099_511_627_776
        default: return nil
        }
        let bytes = number * multiplier
        guard bytes < 9.0e18 else { return nil }
        return Int64(bytes)
    }

    /// The Incus form: the largest binary unit that divides exactly (`512MiB`), else bytes (`1000B`).
    static func incusString(_ bytes: Int64) -> String {
        for (unit, size) in [
            ("TiB", Int64(1) << 40), ("GiB", Int64(1) << 30), ("MiB", Int64(1) << 20), ("KiB", Int64(1) << 10),
        ]
        where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return "\(bytes)B"
    }
}
