import Foundation
import Plan
import XCTest

/// `x-incus.nat-proxy` changes exactly the eligible port devices and nothing else.
final class NATProxyTests: XCTestCase {
    func compile(_ yaml: String) throws -> JSONValue {
        let directory = try TestSupport.makeProject(["compose.yaml": yaml])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try TestSupport.run(
            TestSupport.compileBinary.path, ["-f", "compose.yaml", "-p", "nat"], workingDirectory: directory.path)
        XCTAssertEqual(result.status, 0, result.standardError)
        return try JanssonCoding.decode(result.standardOutput)
    }

    func goldenCompose() throws -> String {
        try String(
            contentsOf: TestSupport.repositoryRoot.appendingPathComponent("golden/with-nat-proxy/compose.yaml"),
            encoding: .utf8)
    }

    func testRemovingTheExtensionGivesTheUserspacePlan() throws {
        let withNAT = try goldenCompose()
        let withoutNAT = withNAT.replacingOccurrences(of: "    x-incus:\n      nat-proxy: true\n", with: "")
        XCTAssertFalse(withoutNAT.contains("nat-proxy"))
        let natPlan = try compile(withNAT)
        let userspacePlan = try compile(withoutNAT)
        let natInstances = try XCTUnwrap(natPlan["instances"]?.objectValue)
        let userspaceInstances = try XCTUnwrap(userspacePlan["instances"]?.objectValue)
        XCTAssertEqual(natInstances.keys.sorted(), userspaceInstances.keys.sorted())
        var natDevices = 0
        for (name, instance) in natInstances {
            // A NAT proxy on a wildcard address brings loopback companions that the userspace plan has no use for.
            let devices = try XCTUnwrap(instance["devices"]?.objectValue).filter {
                LoopbackCompanion.parent(of: $0.key) == nil
            }
            let userspaceDevices = try XCTUnwrap(userspaceInstances[name]?["devices"]?.objectValue)
            XCTAssertEqual(devices.keys.sorted(), userspaceDevices.keys.sorted(), name)
            for (deviceName, device) in devices {
                let userspace = try XCTUnwrap(userspaceDevices[deviceName])
                XCTAssertNil(userspace["nat"], "\(name)/\(deviceName) has nat without the extension")
                guard device["nat"] == .string("true") else {
                    XCTAssertEqual(device, userspace, "\(name)/\(deviceName): fallback must be the userspace device")
                    continue
                }
                natDevices += 1
                XCTAssertEqual(device["listen"], userspace["listen"], "NAT keeps the listen address")
                let connect = try XCTUnwrap(device["connect"]?.stringValue)
                XCTAssertTrue(connect.contains("{{\(name).eth0.ipv") || connect.contains("10.210.0.50"), connect)
            }
        }
        XCTAssertEqual(natDevices, 7, "8080, 8443, 5353/udp, the 9000-9002 range, multi 7080, pinned 7090, v6 7100")
        XCTAssertEqual(
            natInstances["pinned-1"]?["devices"]?["port-tcp-7090"]?["connect"], .string("tcp:10.210.0.50:80"))
        XCTAssertEqual(
            natInstances["v6-1"]?["devices"]?["port-tcp-2001-db8--1-7100"]?["connect"],
            .string("tcp:[{{v6-1.eth0.ipv6}}]:80"))
        // Everything outside the instances' devices is unchanged, except placeholders and warnings.
        for key in ["networks", "volumes", "project"] {
            XCTAssertEqual(natPlan[key], userspacePlan[key], key)
        }
    }

    func testPlaceholderPointersResolveToTheirTokens() throws {
        let plan = try compile(try goldenCompose())
        let placeholders = try XCTUnwrap(plan["placeholders"]?.objectValue)
        XCTAssertFalse(placeholders.isEmpty)
        for (token, placeholder) in placeholders {
            for pointer in placeholder["pointers"]?.arrayValue ?? [] {
                let value = JSONPointer.resolve(try XCTUnwrap(pointer.stringValue), in: plan)?.stringValue
                XCTAssertTrue(value?.contains("{{\(token)}}") == true, "\(token) at \(pointer)")
            }
        }
    }

    func testIneligiblePortsWarnWithTheirPosition() throws {
        let directory = try TestSupport.makeProject([
            "compose.yaml": "services:\n  web:\n    image: nginx\n    network_mode: host\n    ports: [\"80:80\"]\n"
                + "    x-incus: {nat-proxy: true}\n"
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try TestSupport.run(
            TestSupport.compileBinary.path, ["-f", "compose.yaml", "-p", "nat"], workingDirectory: directory.path)
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(
            result.standardError.contains(
                "compose.yaml:5:13: warning: port 80 uses a userspace proxy: the service has no NIC on a bridge network"
                    + " (network_mode) [nat-fallback]"), result.standardError)
        let plan = try JanssonCoding.decode(result.standardOutput)
        let codes = plan["warnings"]?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? []
        XCTAssertTrue(codes.contains("nat-fallback"))
    }
}
