import Compiler
import Plan
import XCTest

/// `JSONWriter` and `PlanEmitter` write byte for byte what jansson's `json_dumps` writes.
final class JSONWriterTests: XCTestCase {
    /// Strings that exercise every escaping rule: each ASCII byte alone (controls, quote, backslash,
    /// slash, DEL), unicode in and out of the BMP, combining marks, separators jansson leaves alone.
    static let trickyStrings: [String] = {
        var strings = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }
        strings += [
            "", "plain", "quote \" inside", "back\\slash", "a/b//c", "\\\"", "\"\\\"",
            "tab\tnew\nline\r\nform\u{0C}back\u{08}bell\u{07}nul\u{00}end", "\u{1F}\u{7F}", "\u{00}",
            "é", "e\u{301}", "ß", "日本語", "😀", "a😀b", "\u{2028}\u{2029}", "\u{FEFF}", "\u{10FFFF}",
            "\u{FFFD}", "mixed \u{01} é \" \\ / 😀", String(repeating: "x", count: 300),
            String(repeating: "\u{1}", count: 40),
        ]
        return strings
    }()

    func assertSameAsJansson(_ value: JSONValue, file: StaticString = #filePath, line: UInt = #line) {
        for compact in [false, true] {
            let written = JanssonCoding.encode(value, compact: compact)
            let reference = JanssonCoding.encodeWithJansson(value, compact: compact)
            XCTAssertEqual(Array(written.utf8), Array(reference.utf8), "compact: \(compact)", file: file, line: line)
        }
    }

    func testStringsAreEscapedAsJanssonDoes() {
        for string in Self.trickyStrings {
            assertSameAsJansson(.string(string))
            assertSameAsJansson(.array([.string(string)]))
            assertSameAsJansson(.object(["key": .string(string)]))
        }
        assertSameAsJansson(.array(Self.trickyStrings.map { .string($0) }))
    }

    func testKeysAreSortedAndEscapedAsJanssonDoes() {
        var members: [String: JSONValue] = [:]
        for (index, key) in Self.trickyStrings.enumerated() { members[key] = .integer(Int64(index)) }
        members["Z"] = .null
        members["ab"] = .bool(true)
        members["a"] = .bool(false)
        members["~"] = .string("~")
        members["a b"] = .array([])
        assertSameAsJansson(.object(members))
        members["\u{00}"] = nil
        members["nul\u{00}end"] = nil
        members["a\u{00}"] = .string("a NUL")
        assertSameAsJansson(.object(members))
        members["a\u{00}"] = nil
        assertSameAsJansson(.object(members))
    }

    func testScalarsAndContainersAreWrittenAsJanssonDoes() {
        let scalars: [JSONValue] = [
            .null, .bool(true), .bool(false), .integer(0), .integer(7), .integer(-1), .integer(10),
            .integer(Int64.max), .integer(Int64.min), .number(0.5), .number(1), .number(-0.0), .number(0),
            .number(1e300), .number(-2.5e-7), .number(0.1), .number(123_456_789.125), .number(1e16), .number(1e17),
            .number(.pi), .number(.nan), .number(.infinity), .number(-.infinity),
        ]
        for scalar in scalars {
            assertSameAsJansson(scalar)
            assertSameAsJansson(.array([scalar, scalar]))
            assertSameAsJansson(.object(["a": scalar, "b": .integer(1)]))
        }
        assertSameAsJansson(.array(scalars))
        assertSameAsJansson(.object([:]))
        assertSameAsJansson(.array([]))
        assertSameAsJansson(.array([.array([]), .object([:]), .array([.array([.object([:])])])]))
        assertSameAsJansson(.object(["empty": .object([:]), "list": .array([]), "deep": .object(["x": .array([])])]))
        assertSameAsJansson(.array([.number(.nan)]))
        assertSameAsJansson(.object(["only": .number(.infinity)]))
        var nested: JSONValue = .string("leaf")
        for depth in 0..<40 {
            nested = depth % 2 == 0 ? .array([nested, .integer(Int64(depth))]) : .object(["k": nested])
        }
        assertSameAsJansson(nested)
    }

    func testPlanEmitterWritesWhatJanssonWrites() {
        let strings = Self.trickyStrings
        var plan = Plan(
            source: PlanSource(
                projectDirectory: "/p/é \"q\"", files: strings.prefix(5).map { PlanSourceFile(path: $0, sha256: "ab") }),
            project: PlanProject(
                name: "demo", config: Dictionary(strings.map { ($0, $0) }, uniquingKeysWith: { first, _ in first })))
        for (index, string) in strings.enumerated() where !string.utf8.contains(0) {
            let config = ["limits.memory": string, "environment.\(string)": "v\(index)", "user.x": ""]
            let devices: [String: [String: String]] = [
                "eth0": ["type": "nic", "network": string], "empty": [:], string: ["path": "/\(string)"],
            ]
            plan.instances["i\(string)\(index)"] = PlanInstance(
                service: string, replica: Int64(index),
                image: PlanImage(kind: "oci", reference: string, remote: "docker"),
                config: index % 3 == 0 ? [:] : config, devices: index % 5 == 0 ? [:] : devices,
                dependsOn: index % 2 == 0 ? [] : [string, "b"],
                files: index % 4 == 0
                    ? [:] : [string: PlanFile(kind: "secret", source: string, uid: "0", gid: "0", mode: "0400")])
            plan.networks[string] = PlanNetwork(
                composeName: string, external: index % 2 == 0, type: "bridge", description: string,
                config: index % 2 == 0 ? [:] : ["ipv4.address": string])
            plan.volumes[string] = PlanVolume(
                composeName: string, external: index % 2 == 1, pool: "default", description: string,
                config: index % 2 == 0 ? [:] : ["size": string])
            plan.placeholders[string] = PlanPlaceholder(
                instance: string, device: "d", family: "ipv4", pointers: index % 2 == 0 ? [] : ["/a/\(string)", "/b"])
            plan.warnings.append(
                PlanWarning(code: string, message: string, file: string, line: Int64(index), column: -Int64(index)))
        }
        let reference = JanssonCoding.encodeWithJansson(plan.jsonValue)
        XCTAssertEqual(Array(PlanEmitter.emit(plan).utf8), Array(reference.utf8))

        let empty = Plan(
            source: PlanSource(projectDirectory: "/", files: []), project: PlanProject(name: "", config: [:]))
        XCTAssertEqual(PlanEmitter.emit(empty), JanssonCoding.encodeWithJansson(empty.jsonValue))

        var withNUL = empty
        withNUL.project.config["a\u{00}b"] = "nul key"
        withNUL.project.config["a"] = "x"
        XCTAssertEqual(PlanEmitter.emit(withNUL), JanssonCoding.encodeWithJansson(withNUL.jsonValue))
    }

    func testGoldenPlansAreWrittenAsJanssonWritesThem() throws {
        let golden = TestSupport.repositoryRoot.appendingPathComponent("golden")
        let cases = try FileManager.default.contentsOfDirectory(atPath: golden.path).sorted()
        var checked = 0
        for name in cases {
            let path = golden.appendingPathComponent(name).appendingPathComponent("plan.json")
            guard let text = try? String(contentsOf: path, encoding: .utf8) else { continue }
            let value = try JanssonCoding.decode(text)
            let plan = try Plan(json: value)
            XCTAssertEqual(PlanEmitter.emit(plan), text, name)
            // Decoding and encoding follow one field list: what is read is what is written again.
            XCTAssertEqual(plan.jsonValue, value, name)
            XCTAssertEqual(JanssonCoding.encode(value), text, name)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10)
    }
}
