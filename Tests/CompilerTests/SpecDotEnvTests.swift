import XCTest

@testable import Compiler

/// The dotenv format as docker compose reads it.
final class SpecDotEnvTests: XCTestCase {
    func parse(_ text: String, process: [String: String] = [:]) throws -> [String: String] {
        var variables: [String: String] = [:]
        var order: [String] = []
        try DotEnvParser(file: ".env", lookup: { process[$0] }).parse(text, into: &variables, order: &order)
        return variables
    }

    func testForms() throws {
        let text = """
            # a comment
            PLAIN=value
            export EXPORTED=yes
            SPACED = spaced value   
            COLON: colon
            INLINE=value # comment
            HASH=a#b
            EMPTY=
            SINGLE='single ${PLAIN} \\n'
            DOUBLE="tab\\tnl\\n${PLAIN} \\"q\\" \\$PLAIN"
            MULTI="one
            two"
            REF=${PLAIN}-${FROM_PROCESS}
            INHERITED
            """
        let env = try parse(text, process: ["FROM_PROCESS": "proc", "INHERITED": "from-process"])
        XCTAssertEqual(env["PLAIN"], "value")
        XCTAssertEqual(env["EXPORTED"], "yes")
        XCTAssertEqual(env["SPACED"], "spaced value")
        XCTAssertEqual(env["COLON"], "colon")
        XCTAssertEqual(env["INLINE"], "value")
        XCTAssertEqual(env["HASH"], "a#b")
        XCTAssertEqual(env["EMPTY"], "")
        XCTAssertEqual(env["SINGLE"], "single ${PLAIN} \\n")
        XCTAssertEqual(env["DOUBLE"], "tab\tnl\nvalue \"q\" $PLAIN")
        XCTAssertEqual(env["MULTI"], "one\ntwo")
        XCTAssertEqual(env["REF"], "value-proc")
        XCTAssertEqual(env["INHERITED"], "from-process")
    }

    func testProcessEnvironmentWinsInsideInterpolation() throws {
        let env = try parse("A=file\nB=${A}\n", process: ["A": "process"])
        XCTAssertEqual(env["B"], "process")
    }

    func testBrokenLinesArePositioned() {
        XCTAssertThrowsError(try parse("OK=1\nBAD KEY=2\n")) { error in
            XCTAssertEqual("\(error)", ".env:2:1: error: variable name 'BAD KEY' cannot contain a space")
        }
        XCTAssertThrowsError(try parse("OK=1\n  B@D=2\n")) { error in
            XCTAssertEqual(
                "\(error)", ".env:2:4: error: unexpected character '@' in variable name; expected KEY=VALUE")
        }
        XCTAssertThrowsError(try parse("A=1\nB=\"never closed\n")) { error in
            XCTAssertEqual(
                "\(error)", ".env:2:3: error: unterminated quoted value: the \" opened here is never closed")
        }
        XCTAssertThrowsError(try parse("A=${NOPE:?needed}\n")) { error in
            XCTAssertEqual("\(error)", ".env:1:3: error: required variable NOPE is missing a value: needed")
        }
    }

    func testEnvironmentSourcesPrecedence() throws {
        let directory = try SpecFixture.directory(["a/.env": "X=dotenv\nY=dotenv\nCOMPOSE_PROFILES=one, two\n"])
        let sources = try EnvironmentSources(
            process: ["X": "process"], envFiles: [], directory: directory + "/a", workingDirectory: directory)
        XCTAssertEqual(sources.variables["X"], "process")
        XCTAssertEqual(sources.variables["Y"], "dotenv")
        XCTAssertEqual(sources.profiles, ["one", "two"])
        let custom = try SpecFixture.directory(["custom.env": "COMPOSE_FILE=a.yaml;b.yaml\nCOMPOSE_PATH_SEPARATOR=;\n"])
        let explicit = try EnvironmentSources(
            process: [:], envFiles: ["custom.env"], directory: custom, workingDirectory: custom)
        XCTAssertEqual(explicit.composeFiles, ["a.yaml", "b.yaml"])
        XCTAssertNil(explicit.variables["X"])
    }
}
