import FoundationEssentials

/// The scalar conversions compose-go applies when it decodes the model into its typed project:
/// byte sizes, durations, CPU counts, booleans and octal file modes, with the text forms
/// `docker compose config --format json` prints for them.
enum ValueConversions {
    /// `512m`, `1g`, `2GB`, `1024`: a byte count with binary multipliers, as docker reads them.
    static func bytes(_ text: String) -> Int64? {
        if let value = bytesASCII(text) { return value }
        let lowered = text.trimmingHorizontalWhitespace().lowercased()
        var number = ""
        var suffix = ""
        for char in lowered {
            if suffix.isEmpty && (char.isNumber || char == ".") { number.append(char) } else { suffix.append(char) }
        }
        guard let value = Double(number) else { return nil }
        let trimmed = suffix.trimmingHorizontalWhitespace()
        guard let unit = byteUnits[trimmed] else { return nil }
        // Out of Int64's range (99999999999999999999g) is not a size: the caller reports it.
        return Int64(exactly: (value * unit).rounded(.down))
    }

    /// `bytes` for the usual spelling, at most 15 ASCII digits and an ASCII letter suffix (`512m`,
    /// `1GB`, `1024`): the digits are exact as a Double, so the product is the same. `nil` for any
    /// other text (spaces, a fraction, more digits, no digit), which `bytes` reads in full.
    static func bytesASCII(_ text: String) -> Int64? {
        var digits: Int64 = 0
        var digitCount = 0
        var suffix: [UInt8] = []
        for byte in text.utf8 {
            if suffix.isEmpty && byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits = digits * 10 + Int64(byte - UInt8(ascii: "0"))
                digitCount += 1
                if digitCount > 15 { return nil }
            } else if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") {
                suffix.append(byte)
            } else if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
                suffix.append(byte + 32)
            } else {
                return nil
            }
            if suffix.count > 3 { return nil }
        }
        guard digitCount > 0, let unit = byteUnits[String(decoding: suffix, as: UTF8.self)] else { return nil }
        return Int64(exactly: (Double(digits) * unit).rounded(.down))
    }

    /// The multipliers of `bytes`, by lowercased suffix.
    static let byteUnits: [String: Double] = [
        "": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1_048_576, "mb": 1_048_576, "mib": 1_048_576,
        "g": 1_073_741_824, "gb": 1_073_741_824, "gib": 1_073_741_824, "t": 1_099_511_627_776,
        "tb": 1_099_511_627_776, "tib": 1_099_511_627_776,
        "p": 1_125_899_906_842_624, "pb": 1_125_899_906_842_624, "pib": 1_125_899_906_842_624,
    ]

    /// A Go duration (`1m30s`, `500ms`, `2h`) in nanoseconds; a bare number is seconds.
    static func duration(_ text: String) -> Int64? {
        if let seconds = Int64(text) {
            let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
            return nanoseconds.overflow ? nil : nanoseconds.partialValue
        }
        let units: [(String, Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 6e10), ("h", 3.6e12),
        ]
        var rest = Substring(text)
        var negative = false
        if rest.first == "-" || rest.first == "+" {
            negative = rest.first == "-"
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { return nil }
        if rest == "0" { return 0 }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.filter({ rest.hasPrefix($0.0) }).max(by: { $0.0.count < $1.0.count }) else {
                return nil
            }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
        }
        // Go durations are int64 nanoseconds: about 292 years at most.
        return Int64(exactly: (negative ? -total : total).rounded())
    }

    /// Go's `time.Duration.String()`: `1m30s`, `500ms`, `1h0m0s`, `0s`.
    static func formatDuration(_ nanoseconds: Int64) -> String {
        if nanoseconds == 0 { return "0s" }
        let negative = nanoseconds < 0
        let value = nanoseconds.magnitude
        var text: String
        if value < 1_000_000_000 {
            let (unit, scale): (String, UInt64) =
                value < 1_000 ? ("ns", 1) : value < 1_000_000 ? ("µs", 1_000) : ("ms", 1_000_000)
            text = fraction(value, scale) + unit
        } else {
            let hours = value / 3_600_000_000_000
            let minutes = value / 60_000_000_000 % 60
            let seconds = fraction(value % 60_000_000_000, 1_000_000_000) + "s"
            text = hours > 0 ? "\(hours)h\(minutes)m\(seconds)" : minutes > 0 ? "\(minutes)m\(seconds)" : seconds
        }
        return negative ? "-" + text : text
    }

    static func fraction(_ value: UInt64, _ scale: UInt64) -> String {
        let whole = value / scale
        var remainder = value % scale
        guard remainder > 0 else { return String(whole) }
        var digits = ""
        var divisor = scale / 10
        while remainder > 0 && divisor > 0 {
            digits.append(String(remainder / divisor))
            remainder %= divisor
            divisor /= 10
        }
        return "\(whole).\(digits)"
    }

    /// YAML 1.1 and 1.2 booleans as compose-go accepts them.
    static func bool(_ node: YAMLNode) -> Bool? {
        switch node.resolved {
        case .bool(let value): return value
        case .string(let text):
            switch text.lowercased() {
            case "true", "y", "yes", "on": return true
            case "false", "n", "no", "off": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// A finite number written as YAML number or string. `1e400` and `.inf` are not, so they keep
    /// their text for the error message.
    static func double(_ node: YAMLNode) -> Double? {
        let value: Double?
        switch node.resolved {
        case .integer(let integer): value = Double(integer)
        case .float(let float): value = float
        case .string(let text): value = Double(text.trimmingHorizontalWhitespace())
        default: value = nil
        }
        return value?.isFinite == true ? value : nil
    }

    static func integer(_ node: YAMLNode) -> Int64? {
        switch node.resolved {
        case .integer(let value): return value
        case .float(let value): return Int64(exactly: value)
        case .string(let text): return Int64(text.trimmingHorizontalWhitespace())
        default: return nil
        }
    }
}
