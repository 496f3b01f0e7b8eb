import XCTest

@testable import Compiler

final class YAMLParserTests: XCTestCase {
    func parse(_ text: String) throws -> YAMLNode {
        try YAMLParser().parse(Array(text.utf8), file: "compose.yaml")
    }

    func testPositionsAreOneBased() throws {
        let node = try parse("services:\n  web:\n    image: nginx\n")
        let image = node["services"]?["web"]?.pair("image")
        XCTAssertEqual(image?.keyLocation, SourceLocation(file: "compose.yaml", line: 3, column: 5))
        XCTAssertEqual(image?.value.location.column, 12)
    }

    func testAliasesAndMergeKeys() throws {
        let node = try parse("base: &b {a: 1, b: 2}\nchild:\n  <<: *b\n  b: 3\n")
        let child = try XCTUnwrap(node["child"])
        XCTAssertEqual(child.mapping?.map(\.key), ["a", "b"])
        XCTAssertEqual(child["b"]?.resolved, .integer(3))
    }

    func testDuplicateKeyIsAnError() {
        XCTAssertThrowsError(try parse("a: 1\na: 2\n")) { error in
            XCTAssertEqual("\(error)", "compose.yaml:2:1: error: key 'a' is defined twice in this mapping")
        }
    }

    func testAliasBombIsRefused() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let previous = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(previous)]\n"
        }
        XCTAssertThrowsError(try parse(text)) { error in
            XCTAssertTrue("\(error)".contains("alias bomb"), "\(error)")
        }
    }

    func testTabsAreReportedWithPosition() {
        XCTAssertThrowsError(try parse("services:\n\tweb: {}\n")) { error in
            XCTAssertTrue("\(error)".hasPrefix("compose.yaml:2:1: error: invalid YAML"), "\(error)")
        }
    }
}
