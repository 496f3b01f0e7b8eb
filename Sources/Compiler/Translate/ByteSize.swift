/// Docker's byte sizes (`512m`, `1.5g`, `1024`, `64MiB`) and their Incus form.
enum ByteSize {
    /// Parses a docker size: a number with an optional unit b, k, m, g, t (also kb, mb, kib, mib …),
    /// case-insensitive, powers of 1024. `nil` when it is not a size or overflows.
    static func parse(_ text: String) -> Int64? {
        if let parsed = parseASCII(text) { return parsed }
        return parseCharacters(text)
    }

    /// `parseCharacters` for ASCII text, on its bytes (each byte is one character there); `nil`
    /// for other text, and `.some(nil)` for ASCII text that is not a size.
    static func parseASCII(_ text: String) -> Int64?? {
        var bytes = Array(text.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        for index in bytes.indices where bytes[index] >= UInt8(ascii: "A") && bytes[index] <= UInt8(ascii: "Z") {
            bytes[index] += 0x20
        }
        var start = 0
        var end = bytes.count
        while start < end && bytes[start] == UInt8(ascii: " ") { start += 1 }
        while end > start && bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        var digitsEnd = start
        while digitsEnd < end
            && (bytes[digitsEnd] == UInt8(ascii: ".")
                || (bytes[digitsEnd] >= UInt8(ascii: "0") && bytes[digitsEnd] <= UInt8(ascii: "9")))
        {
            digitsEnd += 1
        }
        var unitStart = digitsEnd
        while unitStart < end && bytes[unitStart] == UInt8(ascii: " ") { unitStart += 1 }
        guard digitsEnd > start, let number = Double(String(decoding: bytes[start..<digitsEnd], as: UTF8.self)),
            number.isFinite, number >= 0
        else { return .some(nil) }
        var unit = String(decoding: bytes[unitStart..<end], as: UTF8.self)
        if unit.hasSuffix("ib") {
            unit.removeLast(2)
        } else if unit.hasSuffix("b") {
            unit.removeLast()
        }
        return .some(bytesOf(number, unit: unit))
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
