import XCTest

@testable import Compiler

/// Every interpolation form of the compose specification, with compose-go's edge cases.
final class SpecInterpolationTests: XCTestCase {
    let variables = ["A": "alpha", "EMPTY": "", "PORT": "8080", "B": "beta"]

    func substitute(_ text: String) throws -> String {
        let variables = self.variables
        return try VariableTemplate(lookup: { variables[$0] }).substitute(text)
    }

    func testPlainAndBraced() throws {
        XCTAssertEqual(try substitute("$A"), "alpha")
        XCTAssertEqual(try substitute("${A}"), "alpha")
        XCTAssertEqual(try substitute("x${A}y$A.z"), "xalphayalpha.z")
        XCTAssertEqual(try substitute("$UNSET-${UNSET}"), "-")
        XCTAssertEqual(try substitute("a $ b $1 $-"), "a $ b $1 $-")
    }

    func testDefaults() throws {
        XCTAssertEqual(try substitute("${UNSET:-d}"), "d")
        XCTAssertEqual(try substitute("${EMPTY:-d}"), "d")
        XCTAssertEqual(try substitute("${A:-d}"), "alpha")
        XCTAssertEqual(try substitute("${UNSET-d}"), "d")
        XCTAssertEqual(try substitute("${EMPTY-d}"), "")
    }

    func testAlternatives() throws {
        XCTAssertEqual(try substitute("${A:+alt}"), "alt")
        XCTAssertEqual(try substitute("${EMPTY:+alt}"), "")
        XCTAssertEqual(try substitute("${EMPTY+alt}"), "alt")
        XCTAssertEqual(try substitute("${UNSET+alt}"), "")
    }

    func testRequired() throws {
        XCTAssertEqual(try substitute("${A:?must}"), "alpha")
        XCTAssertEqual(try substitute("${EMPTY?must}"), "")
        XCTAssertThrowsError(try substitute("${EMPTY:?must be set}")) { error in
            XCTAssertEqual(
                error as? InterpolationFailure, .missingRequired(variable: "EMPTY", reason: "must be set"))
        }
        XCTAssertThrowsError(try substitute("${UNSET?}")) { error in
            XCTAssertEqual((error as? InterpolationFailure)?.message, "required variable UNSET is missing a value")
        }
    }

    func testNestingAndEscapes() throws {
        XCTAssertEqual(try substitute("${UNSET:-${A}}"), "alpha")
        XCTAssertEqual(try substitute("${UNSET:-${ALSO_UNSET:-${B}}}-tail"), "beta-tail")
        XCTAssertEqual(try substitute("${A:+[${B}]}"), "[beta]")
        XCTAssertEqual(try substitute("$$A $${A} $$"), "$A ${A} $")
    }

    func testInvalidTemplates() {
        for text in ["${}", "${1A}", "${A B}", "${A", "${A:x}"] {
            XCTAssertThrowsError(try substitute(text), text) { error in
                guard case .invalidTemplate = error as? InterpolationFailure else {
                    return XCTFail("\(text): \(error)")
                }
            }
        }
    }

    func testTreeKeepsKeysAndMarksChangedScalarsAsStrings() throws {
        let yaml = "services:\n  web:\n    ports: [\"${PORT}:80\"]\n    environment:\n      ${A}: $PORT\n"
        let document = try YAMLParser().parse(Array(yaml.utf8), file: "c.yaml")
        let variables = self.variables
        let result = try TreeInterpolation(template: VariableTemplate(lookup: { variables[$0] })).apply(document)
        let environment = result["services"]?["web"]?["environment"]
        XCTAssertEqual(environment?.mapping?.first?.key, "${A}")
        XCTAssertEqual(environment?["${A}"]?.resolved, .string("8080"))
        XCTAssertEqual(result["services"]?["web"]?["ports"]?.sequence?.first?.scalar?.text, "8080:80")
    }

    func testMissingRequiredVariableIsAPositionedError() throws {
        let yaml = "services:\n  web:\n    image: \"nginx:${TAG:?set TAG}\"\n"
        let document = try YAMLParser().parse(Array(yaml.utf8), file: "compose.yaml")
        XCTAssertThrowsError(
            try TreeInterpolation(template: VariableTemplate(lookup: { _ in nil })).apply(document)
        ) { error in
            XCTAssertEqual(
                "\(error)",
                "compose.yaml:3:12: error: required variable TAG is missing a value: set TAG (at services.web.image)")
        }
    }
}
