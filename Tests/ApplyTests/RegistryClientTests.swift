import Foundation
import TestHelpers
import XCTest

@testable import Apply

/// The registry protocol as Docker Hub speaks it, against Fixtures/token-registry.py on 127.0.0.1:
/// a bearer-token challenge, a multi-platform index, a config blob behind a redirect to another host.
final class RegistryClientTests: XCTestCase {
    private var server: Process?
    private var directory = ""

    override func tearDown() {
        server?.terminate()
        server?.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
        super.tearDown()
    }

    /// Starts the fixture registry with a fresh self-signed certificate; returns its port, the
    /// fingerprint Incus gives the amd64 image and the certificate path.
    private func startRegistry() throws -> (port: String, fingerprint: String, certificate: String) {
        directory = NSTemporaryDirectory() + "registry-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificate = directory + "/cert.pem"
        let key = directory + "/key.pem"
        let made = Shell.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key,
                "-out", certificate,
            ], environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(made.status, 0, made.stderr)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = RepositoryPaths.root.appendingPathComponent(
            "Tests/ApplyTests/Fixtures/token-registry.py")
        process.arguments = ["python3", script.path, certificate, key]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        server = process
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let fields = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 2 else { throw EnvironmentError(message: "the fixture registry did not start") }
        return (fields[0], fields[1], certificate)
    }

    func testTokenChallengeIndexAndRedirectedBlob() throws {
        let registry = try startRegistry()
        let client = RegistryClient(caBundle: registry.certificate, architecture: "amd64")
        let config = try client.imageConfig("127.0.0.1:\(registry.port)/library/app:1")
        XCTAssertEqual(config.entrypoint, ["/docker-entrypoint.sh"])
        XCTAssertEqual(config.cmd, ["app", "--serve"])
        XCTAssertEqual(config.environment, ["PATH=/usr/bin"])
        XCTAssertEqual(config.incusFingerprint, registry.fingerprint, "Incus's name for the platform's image")
        // The image's HEALTHCHECK applies when compose has none, completed by docker's defaults.
        let rule = try XCTUnwrap(HealthRule.effective(plan: nil, image: config.healthcheck))
        XCTAssertEqual(rule.command, ["/bin/sh", "-c", "app --check"])
        XCTAssertEqual(rule.interval, 2)
        XCTAssertEqual(rule.retries, 4)
        XCTAssertEqual(rule.timeout, HealthRule.defaultTimeout)

        XCTAssertThrowsError(try client.imageConfig("127.0.0.1:\(registry.port)/library/app:2")) { error in
            XCTAssertTrue("\(error)".contains("has no library/app:2"), "\(error)")
        }
        let riscv = RegistryClient(caBundle: registry.certificate, architecture: "riscv64")
        XCTAssertThrowsError(try riscv.imageConfig("127.0.0.1:\(registry.port)/library/app:1")) { error in
            XCTAssertTrue("\(error)".contains("no linux/riscv64 variant"), "\(error)")
        }
        let untrusted = RegistryClient(caBundle: nil, architecture: "amd64")
        XCTAssertThrowsError(try untrusted.imageConfig("127.0.0.1:\(registry.port)/library/app:1")) { error in
            XCTAssertTrue("\(error)".contains("cannot reach"), "a certificate the CA store does not know: \(error)")
        }
    }
}
