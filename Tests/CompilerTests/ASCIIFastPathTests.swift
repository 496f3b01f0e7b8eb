import XCTest

@testable import Compiler

/// The byte-level fast paths for ASCII text give what the character-level code gives.
final class ASCIIFastPathTests: XCTestCase {
    /// Every string of up to `length` pieces from `pieces`, sampled deterministically.
    func samples(_ pieces: [String], count: Int = 20_000, length: Int = 7) -> [String] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var result = [""] + pieces
        for _ in 0..<count {
            result.append((0..<(next() % (length + 1))).map { _ in pieces[next() % pieces.count] }.joined())
        }
        return result
    }

    func testImageReferences() {
        let pieces = [
            "a", "nginx", ".", ":", "/", "//", "@", "sha256:ab", "localhost", "LocalHost", "5000", "-", "_", " ",
            "\t", "\r\n", "\u{0B}", "\u{1F}", "latest", "docker.io", "library",
        ]
        for reference in samples(pieces) {
            XCTAssertEqual(
                ImageReference.normalizeASCII(reference), ImageReference.normalizeCharacters(reference), reference)
            XCTAssertEqual(
                ImageReference.isValidASCII(reference), ImageReference.isValidCharacters(reference), reference)
        }
        XCTAssertNil(ImageReference.normalizeASCII("é/x"))
        XCTAssertEqual(ImageReference.normalize("nginx"), "docker.io/library/nginx:latest")
    }

    func testByteSizes() {
        let pieces = [
            "1", "0", "9", "12", ".", "5", " ", "k", "K", "m", "M", "g", "G", "t", "b", "B", "i", "ib", "iB", "x", "\t",
            "\r\n", "-", "e", "kb", "MiB",
        ]
        for text in samples(pieces) {
            XCTAssertEqual(ByteSize.parse(text), ByteSize.parseCharacters(text), text)
        }
        XCTAssertEqual(ByteSize.parse("1é"), ByteSize.parseCharacters("1é"))
        XCTAssertEqual(ByteSize.parse("999999999999999"), 999_999_999_999_999)
        XCTAssertEqual(ByteSize.parse("512m"), 536_870_912)
        XCTAssertEqual(ByteSize.parse(" 1.5 GiB "), 1_610_612_736)
        XCTAssertNil(ByteSize.parse("10x"))
    }

    func testDeviceNameSlashes() {
        for text in samples(["/", "a", "-", "//", "é", "\r\n", " ", "var", "lib"]) {
            XCTAssertEqual(text.replacingSlashes(), text.replacingSlashCharacters(), text)
        }
    }

    func testInstanceNames() {
        let pieces = [
            "a", "Z", "0", "9", "-", "_", ".", " ", "é", "\r\n", "web", "--", String(repeating: "x", count: 60),
        ]
        for name in samples(pieces) {
            XCTAssertEqual(IncusNames.instanceName(name), IncusNames.instanceNameCharacters(name), name)
        }
        XCTAssertEqual(IncusNames.instanceName("Web_App-1"), "web-app-1")
        XCTAssertEqual(IncusNames.instanceName("1db"), "c-1db")
    }

    func testDNSNames() {
        let pieces = [
            "a", "Z", "0", "-", "_", ".", "..", " ", "é", "\r\n", "web", String(repeating: "x", count: 60),
            String(repeating: "y", count: 130),
        ]
        for name in samples(pieces) {
            XCTAssertEqual(ServiceDiscovery.isDNSName(name), ServiceDiscovery.isDNSNameCharacters(name), name)
        }
        XCTAssertTrue(ServiceDiscovery.isDNSName("db.internal"))
        XCTAssertFalse(ServiceDiscovery.isDNSName("-db"))
    }

    func testVolumeNames() {
        let pieces = ["a", "Z", "0", "-", "_", ".", "/", ":", " ", "é", "e\u{301}", "\r\n", "😀", "~", "\u{00}"]
        for name in samples(pieces) {
            XCTAssertEqual(IncusNames.volumeName(name), IncusNames.volumeNameCharacters(name), name)
        }
    }
}

extension ASCIIFastPathTests {
    func testYAMLIntegers() {
        let pieces = [
            "0", "1", "7", "9", "a", "F", "g", "x", "o", "0x", "0o", "-", "+", " ", "\r\n", "é", "１",
            "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616", "ff",
        ]
        for text in samples(pieces, length: 5) {
            XCTAssertEqual(parseYAMLInteger(text), parseYAMLIntegerCharacters(text), text)
        }
        XCTAssertEqual(parseYAMLInteger("-9223372036854775808"), Int64.min)
        XCTAssertEqual(parseYAMLInteger("0x1F"), 31)
        XCTAssertNil(parseYAMLInteger("0x"))
    }
}
