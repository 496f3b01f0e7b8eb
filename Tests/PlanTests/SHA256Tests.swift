import Plan
import XCTest

/// The digests plans record: libcrypto's and the portable fallback's agree with the standard's
/// test vectors and with each other on every length around the 64-byte block edges.
final class SHA256Tests: XCTestCase {
    func testStandardVectors() {
        let vectors = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
        ]
        for (input, digest) in vectors {
            XCTAssertEqual(SHA256.hexDigest(Array(input.utf8)), digest, input)
            XCTAssertEqual(SHA256.portableHexDigest(Array(input.utf8)), digest, input)
        }
    }

    func testBothImplementationsAgree() {
        var state: UInt32 = 12_345
        for length in Array(0...200) + [1_000, 4_096, 65_537, 1_000_003] {
            let bytes = (0..<length).map { _ -> UInt8 in
                state = state &* 1_103_515_245 &+ 12_345
                return UInt8(truncatingIfNeeded: state >> 16)
            }
            XCTAssertEqual(SHA256.hexDigest(bytes), SHA256.portableHexDigest(bytes), "length \(length)")
        }
    }
}
