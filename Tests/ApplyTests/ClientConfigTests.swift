import Foundation
import XCTest

@testable import Apply

final class ClientConfigTests: XCTestCase {
    func testRemotesFromConfigYAML() throws {
        let directory = NSTemporaryDirectory() + "incus-conf-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/servercerts", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let yaml = """
            default-remote: local
            remotes:
              images:
                addr: https://images.example.invalid
                protocol: simplestreams
                public: true
              prod:
                addr: https://192.0.2.10:8443
                protocol: incus
              local:
                addr: unix://
            aliases: {}
            """
        try yaml.write(toFile: directory + "/config.yml", atomically: true, encoding: .utf8)
        let environment = ["INCUS_CONF": directory, "INCUS_DIR": "/srv/incus"]
        let config = try IncusClientConfig.load(environment: environment)
        XCTAssertEqual(config.remotes["images"]?.serverProtocol, "simplestreams")
        XCTAssertEqual(
            try config.endpoint(forRemote: "local", environment: environment),
            .unixSocket(path: "/srv/incus/unix.socket"))
        XCTAssertThrowsError(try config.endpoint(forRemote: "prod", environment: environment)) { error in
            XCTAssertTrue("\(error)".contains("client.crt"), "\(error)")
        }
        try "cert".write(toFile: directory + "/client.crt", atomically: true, encoding: .utf8)
        try "key".write(toFile: directory + "/client.key", atomically: true, encoding: .utf8)
        try "server".write(toFile: directory + "/servercerts/prod.crt", atomically: true, encoding: .utf8)
        XCTAssertEqual(
            try config.endpoint(forRemote: "prod", environment: environment),
            .https(
                url: "https://192.0.2.10:8443", clientCertificate: directory + "/client.crt",
                clientKey: directory + "/client.key", serverCertificate: directory + "/servercerts/prod.crt"))
        XCTAssertThrowsError(try config.endpoint(forRemote: "nope", environment: environment))
    }
}
