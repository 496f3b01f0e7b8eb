import Foundation
import XCTest

/// Inputs built to break a parser: each is refused by the real `compose-compile` with exit status 1, one
/// `file:line:column: error: …` line and no plan, within bounded time and memory.
final class HostileInputTests: HostileInputTestCase {
    // MARK: - Malformed YAML

    func testTruncatedYAML() throws {
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: \"ngi"),
            "DIR/compose.yaml:3:16: error: invalid YAML: found unexpected end of stream while scanning a quoted scalar\n"
        )
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    ports: [\"80:80\", "),
            "DIR/compose.yaml:5:1: error: invalid YAML: did not find expected node content while parsing a flow node\n"
        )
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    environment:\n      A: &"),
            "DIR/compose.yaml:5:11: error: invalid YAML: did not find expected alphabetic or numeric character"
                + " while scanning an anchor\n")
    }

    func testTabIndentation() throws {
        XCTAssertEqual(
            try refusal("services:\n\tweb:\n\t\timage: nginx\n"),
            "DIR/compose.yaml:2:1: error: invalid YAML: found character that cannot start any token"
                + " while scanning for the next token\n")
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n\tports: [\"80:80\"]\n"),
            "DIR/compose.yaml:4:1: error: invalid YAML: found a tab character that violates indentation"
                + " while scanning a plain scalar\n")
    }

    func testDuplicateKeys() throws {
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    image: redis\n"),
            "DIR/compose.yaml:4:5: error: key 'image' is defined twice in this mapping\n")
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\nservices:\n  db:\n    image: redis\n"),
            "DIR/compose.yaml:4:1: error: key 'services' is defined twice in this mapping\n")
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    environment: {A: 1, A: 2}\n"),
            "DIR/compose.yaml:4:25: error: key 'A' is defined twice in this mapping\n")
    }

    func testNonUTF8Bytes() throws {
        // Each error points at the offending byte: column 14 is the first byte after "image: ng".
        let invalid: [(bytes: [UInt8], message: String)] = [
            ([0xFF], "3:14: error: invalid YAML: invalid leading UTF-8 octet (byte 0xFF)"),
            ([0xC3, 0x28], "3:15: error: invalid YAML: invalid trailing UTF-8 octet (byte 0x28)"),
            ([0xED, 0xA0, 0x80], "3:14: error: invalid YAML: invalid Unicode character (byte 0xD800)"),
            ([0xC0, 0xAF], "3:14: error: invalid YAML: invalid length of a UTF-8 sequence"),
        ]
        for (bytes, message) in invalid {
            let yaml = Array("services:\n  web:\n    image: ng".utf8) + bytes + Array("inx\n".utf8)
            XCTAssertEqual(refusal(try compile(["compose.yaml": yaml])), "DIR/compose.yaml:\(message)\n", "\(bytes)")
        }
        let truncated = Array("services:\n  web:\n    image: ng".utf8) + [0xE2, 0x82]
        XCTAssertEqual(
            refusal(try compile(["compose.yaml": truncated])),
            "DIR/compose.yaml:3:14: error: invalid YAML: incomplete UTF-8 octet sequence\n")
    }

    func testNULByte() throws {
        let yaml = Array("services:\n  web:\n    image: ng".utf8) + [0] + Array("inx\n".utf8)
        XCTAssertEqual(
            refusal(try compile(["compose.yaml": yaml])),
            "DIR/compose.yaml:3:14: error: invalid YAML: control characters are not allowed (byte 0x00)\n")
    }

    // MARK: - Resource bombs

    func testTenThousandDeepNesting() throws {
        let flow = try compile(
            "services:\n  web:\n    image: nginx\n    labels:\n      a: "
                + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n")
        XCTAssertEqual(refusal(flow), "DIR/compose.yaml:5:262: error: YAML nesting is deeper than 256 levels\n")
        XCTAssertLessThan(flow.seconds, 2)
        let block = try compile("x-deep:\n" + String(repeating: "- ", count: 10_000) + "x\nservices: {}\n")
        XCTAssertEqual(refusal(block), "DIR/compose.yaml:2:511: error: YAML nesting is deeper than 256 levels\n")
        XCTAssertLessThan(block.seconds, 2)
    }

    /// Aliases to deep anchors inside deep anchors nest deeper than any one of them: the depth limit
    /// applies to the expanded tree, so later stages never recurse deeper than 256 levels.
    func testNestingThroughAliases() throws {
        let deep = String(repeating: "[", count: 200) + "x" + String(repeating: "]", count: 200)
        let result = try compile(
            "x-a: &a \(deep)\nx-b: &b " + String(repeating: "[", count: 100) + "*a"
                + String(repeating: "]", count: 100) + "\nservices: {}\n")
        XCTAssertEqual(refusal(result), "DIR/compose.yaml:2:109: error: YAML nesting is deeper than 256 levels\n")
    }

    /// A long list is read in linear time (it used to be copied on every append), and a document
    /// beyond the node budget is refused with a message that says so.
    func testLargeDocuments() throws {
        let items = Array(repeating: "1", count: 50_000).joined(separator: ",")
        let large = try compile("x-big: [\(items)]\nservices:\n  web:\n    image: nginx\n")
        XCTAssertEqual(large.status, 0, large.standardError)
        let tooLarge = try compile(
            "x-big: [" + Array(repeating: items, count: 21).joined(separator: ",")
                + "]\nservices:\n  web:\n    image: nginx\n")
        XCTAssertEqual(
            refusal(tooLarge),
            "DIR/compose.yaml:1:2000007: error: the YAML document holds more than 1000000 nodes (each KiB of text"
                + " counting as one); compose files this large are refused\n")
    }

    /// `${A:-` 100,000 times in one value: each level copied the rest of the string and recursed, so
    /// this crashed with a stack overflow after eight minutes and 14 GB. Nesting is now capped at 16.
    func testDeeplyNestedInterpolation() throws {
        let nested = String(repeating: "${A:-", count: 100_000) + "x" + String(repeating: "}", count: 100_000)
        let result = try compile("services:\n  web:\n    image: nginx\n    environment:\n      A: \"\(nested)\"\n")
        XCTAssertEqual(
            refusal(result),
            "DIR/compose.yaml:5:10: error: interpolation nests ${...} more than 16 levels deep"
                + " (at services.web.environment.A)\n")
        XCTAssertLessThan(result.seconds, 10)
        XCTAssertLessThan(result.peakMegabytes, 500)
        let sixteen = String(repeating: "${A:-", count: 16) + "x" + String(repeating: "}", count: 16)
        let accepted = try compile("services:\n  web:\n    image: nginx\n    environment:\n      A: \"\(sixteen)\"\n")
        XCTAssertEqual(accepted.status, 0, accepted.standardError)
        XCTAssertTrue(accepted.standardOutput.contains("\"environment.A\": \"x\""))
    }

    /// Nine levels of ten aliases each: 10⁹ nodes once expanded, from a file of under 1 KB. The parser
    /// counts expanded nodes as it goes and stops at the sixth level, where the count passes 1,000,000.
    func testBillionLaughs() throws {
        var yaml =
            "x-a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            yaml +=
                "x-\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        yaml += "services:\n  web:\n    image: nginx\n    labels:\n      lol: *i\n"
        let result = try compile(yaml)
        XCTAssertEqual(
            refusal(result),
            "DIR/compose.yaml:6:46: error: YAML aliases expand to more than 1000000 nodes;"
                + " refusing a possible alias bomb\n")
        XCTAssertLessThan(result.seconds, 2, "refused quickly")
        XCTAssertLessThan(result.peakMegabytes, 200, "bounded memory")
    }

    /// One scalar of 50 MB: refused before anything walks it, quickly and without holding many copies.
    func testFiftyMegabyteScalar() throws {
        let yaml =
            "services:\n  web:\n    image: nginx\n    labels:\n      a: "
            + String(repeating: "x", count: 50_000_000) + "\n"
        let result = try compile(yaml)
        XCTAssertEqual(
            refusal(result),
            "DIR/compose.yaml:5:10: error: a scalar of 50000000 bytes is larger than the 1048576 bytes a compose"
                + " value may hold\n")
        XCTAssertLessThan(result.seconds, 5, "bounded time")
        XCTAssertLessThan(result.peakMegabytes, 500, "bounded memory")
    }

    /// Found by fuzzing (a 10 s timeout): `922-19229` expands to 18,308 bindings, each one a proxy device
    /// or a warning; a few `1-65535` lines took minutes. Bindings are now capped per project.
    func testPortRangeExpansionIsBounded() throws {
        let result = try compile(
            "services:\n  web:\n    image: nginx\n    ports:\n      - 1-65535\n      - \"1-65535:1-65535/udp\"\n")
        XCTAssertEqual(
            refusal(result),
            "DIR/compose.yaml:6:9: error: ports expand to more than 65536 bindings in this project (each published port"
                + " becomes an Incus proxy device); publish fewer ports (at services.web.ports[1])\n")
        XCTAssertLessThan(result.seconds, 5)
        let withinLimit = try compile("services:\n  web:\n    image: nginx\n    ports: [\"8000-8999:8000-8999\"]\n")
        XCTAssertEqual(withinLimit.status, 0, withinLimit.standardError)
    }

    /// Every input a fuzz target ever failed on, kept in fuzz/regressions/compile: each now compiles
    /// or is refused with one positioned error, in bounded time.
    func testFuzzRegressionInputs() throws {
        let folder = TestSupport.repositoryRoot.appendingPathComponent("fuzz/regressions/compile")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertFalse(names.isEmpty)
        for name in names {
            let bytes = try Data(contentsOf: folder.appendingPathComponent(name))
            let result = try compile(["compose.yaml": Array(bytes), "common.yaml": Array("services: {}\n".utf8)])
            XCTAssertTrue([0, 1].contains(result.status), "\(name): exit \(result.status)")
            XCTAssertLessThan(result.seconds, 10, name)
            if result.status == 1 {
                let lines = result.standardError.split(separator: "\n")
                XCTAssertEqual(lines.count, 1, "\(name): \(result.standardError)")
                XCTAssertNotNil(
                    lines.first?.range(of: #"^DIR/[^:]+:[0-9]+:[0-9]+: error: "#, options: .regularExpression),
                    "\(name): \(result.standardError)")
            }
        }
    }
}
