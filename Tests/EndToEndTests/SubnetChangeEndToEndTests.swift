import Apply
import Foundation
import Plan
import TestHelpers
import XCTest

/// A network whose subnet changed: the instance takes a lease in the new subnet, is pinned again, and
/// its NAT port and names follow.
final class SubnetChangeEndToEndTests: ComposeDirectoryTestCase {
    private func compose(subnet: String, natPort: Int) -> String {
        """
        name: \(project)
        services:
          web:
            image: busybox
            ports: ["\(subnet.split(separator: "/")[0]):\(natPort):80"]
            x-incus: {image: "local:compose-test", nat-proxy: true}
        networks:
          default:
            x-incus: {ipv4.address: \(subnet), ipv4.nat: "false"}
        """
    }

    private func pinned() throws -> String? {
        try query("/1.0/instances/web-1?project=\(project)")["devices"]?["eth0"]?["ipv4.address"]?.stringValue
    }

    func testChangedSubnetRepinsTheInstanceAndItsNATPort() throws {
        let natPort = Int.random(in: 20000...24999)
        let parts = bridgeAddress.split(separator: ".")
        let octet = (Int(parts[2]) ?? 100) + (Int(parts[2]) ?? 100 < 250 ? 1 : -1)
        let newBridge = "10.187.\(octet).1"
        let planPath = try compileProject(compose(subnet: subnet, natPort: natPort))
        let (first, firstLines) = run(planFile: planPath)
        XCTAssertEqual(first.status, .success, "\(first.message ?? "")\n" + firstLines.joined(separator: "\n"))
        XCTAssertTrue(try pinned()?.hasPrefix(bridgeAddress.dropLast(1)) ?? false)

        _ = try compileProject(compose(subnet: newBridge + "/24", natPort: natPort))
        let (changed, changedLines) = run(planFile: planPath)
        let text = changedLines.joined(separator: "\n")
        XCTAssertEqual(changed.status, .success, "\(changed.message ?? "")\n" + text)
        let address = try XCTUnwrap(try pinned(), text)
        XCTAssertTrue(address.hasPrefix("10.187.\(octet)."), "pinned \(address) in the new subnet\n" + text)
        let nat = try query("/1.0/instances/web-1?project=\(project)")["devices"]?["port-tcp-\(newBridge)-\(natPort)"]
        XCTAssertEqual(nat?["connect"]?.stringValue, "tcp:\(address):80", text)
        XCTAssertTrue(
            Shell.waitForHTTP("http://\(newBridge):\(natPort)/", containing: "compose-test ok", seconds: 20),
            "the NAT port answers in the new subnet")
        incus(["restart", "--project", project, "web-1"])
        XCTAssertTrue(
            Shell.waitForHTTP("http://\(newBridge):\(natPort)/", containing: "compose-test ok", seconds: 20),
            "and after a restart")
        let (again, againLines) = run(planFile: planPath)
        XCTAssertEqual(again.writeRequests, [], "re-apply writes nothing\n" + againLines.joined(separator: "\n"))
    }
}
