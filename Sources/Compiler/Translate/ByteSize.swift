/// Docker's byte sizes (`512m`, `1.5g`, `1024`, `64MiB`) and their Incus form.
enum ByteSize {
    /// Parses a docker size: a number with an optional unit b, k, m, g, t (also kb, mb, kib, mib …),
    /// case-insensitive, powers of 1024. `nil` when it is not a size or overflows.
    static func parse(_ text: String) -> Int64? {
        let lowered = text.lowercased().trimming(" ")
        let digits = lowered.prefix(while: { $0.isNumber || $0 == "." })
        var unit = String(lowered.dropFirst(digits.count)).trimming(" ")
        guard !digits.isEmpty, let number = Double(digits), number.isFinite, number >= 0 else { return nil }
        if unit.hasSuffix("ib") {
            unit = String(unit.dropLast(2))
        } else if unit.hasSuffix("b") {
            unit = String(unit.dropLast())
        }
        let multipliers: [String: Double] = [
            "": 1, "k": 1024, "m": 1_048_576, "g": 1_073_741_824, "t": 1_099_511_627_776,
        ]
        guard let multiplier = multipliers[unit] else { return nil }
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
