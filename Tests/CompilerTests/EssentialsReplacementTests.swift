import Foundation
import Plan
import XCTest

@testable import Compiler

/// compose-compile uses FoundationEssentials only (a third of the binary, quicker to start). The few
/// Foundation calls it made are replaced by small functions; these tests hold each one to what
/// Foundation gives, on text where the two are meant to agree.
final class EssentialsReplacementTests: XCTestCase {
    /// Every space separator (general category Zs), the tab, line breaks and other characters.
    static let samples: [String] = {
        let spaces = [
            "\u{20}", "\u{A0}", "\u{1680}", "\u{2000}", "\u{2005}", "\u{200A}", "\u{202F}", "\u{205F}", "\u{3000}",
        ]
        var texts = ["", " ", "\t", "a", " a ", "\ta b\t", "\n a \n", " \r\n", "é", " e\u{301} ", "1.5 g", "  12  "]
        for space in spaces {
            texts += [space + "x" + space, space, "x" + space + "\t", space + "\n" + space]
        }
        texts += ["\u{200B}x\u{200B}", "\u{FEFF}x", "x\u{85}", "\u{2028}x"]
        return texts
    }()

    func testTrimmingHorizontalWhitespaceIsFoundationsWhitespacesSet() {
        for text in Self.samples {
            XCTAssertEqual(
                text.trimmingHorizontalWhitespace(), text.trimmingCharacters(in: .whitespaces),
                text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " "))
        }
    }

    func testEveryScalarIsWhitespaceWhereFoundationSaysSo() {
        var differing: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if String.isHorizontalWhitespace(scalar) != CharacterSet.whitespaces.contains(scalar) {
                differing.append(value)
            }
        }
        XCTAssertEqual(differing, [])
    }

    func testReplacingScalarsMatchesFoundationOnWholeCharacters() {
        let cases: [(String, String, String)] = [
            ("a$b$$c", "$", "$$"), ("$", "$", "$$"), ("no dollar", "$", "$$"), ("~/x/~1", "~", "~0"),
            ("a/b/c", "/", "~1"), ("~01~1", "~1", "/"), ("~0~0", "~0", "~"), ("ééé", "é", "e"), ("", "$", "$$"),
            ("aaaa", "aa", "b"),
        ]
        for (text, target, replacement) in cases {
            XCTAssertEqual(
                text.replacingScalars(of: target, with: replacement),
                text.replacingOccurrences(of: target, with: replacement), "\(text) \(target) \(replacement)")
        }
        // A `$` is a `$` even when an accent follows it, as docker compose (Go) reads bytes.
        XCTAssertEqual("$\u{301}".replacingScalars(of: "$", with: "$$"), "$$\u{301}")
    }

    func testJSONPointerTokensRoundTrip() {
        for token in ["a/b", "~", "~1", "x~0/y", "", "é/~"] {
            let pointer = JSONPointer.make([token, "config"])
            XCTAssertEqual(JSONPointer.tokens(pointer), [token, "config"], pointer)
        }
        XCTAssertEqual(JSONPointer.make(["a/b", "m~n"]), "/a~1b/m~0n")
    }

    func testHexDigitsArePrintfs() {
        for value in [0, 1, 0x0A, 0x7F, 0x80, 0xFF, 0x100, 0xFFFE, 0x10FFFF] {
            XCTAssertEqual(YAMLEventReader.hexDigits(value), String(format: "%02X", value))
        }
    }

    func testStageTimingLinesArePadded() {
        for (stage, milliseconds) in [("parse", 19.24), ("networks, volumes, names", 0.04), ("emit", 1234.56)] {
            XCTAssertEqual(
                StageTimings.line(stage: stage, milliseconds: milliseconds),
                stage.padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: "%8.1f ms\n", milliseconds))
        }
    }

    func testFileKinds() throws {
        let directory = try TestSupport.makeProject(["compose.yaml": "services: {}\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("compose.yaml").path
        XCTAssertTrue(FilePaths.isFile(file))
        XCTAssertFalse(FilePaths.isDirectory(file))
        XCTAssertTrue(FilePaths.isDirectory(directory.path))
        XCTAssertFalse(FilePaths.isFile(directory.path))
        XCTAssertFalse(FilePaths.isFile(file + ".missing"))
        XCTAssertNil(FilePaths.mode(of: file + ".missing"))
    }
}
