import Apply
import Foundation
import Plan
import PlanFixtures
import TestHelpers
import XCTest

/// NAT proxies that cannot be NAT become userspace proxies with a warning; the apply succeeds and a
/// re-apply is still a no-op.
final class FallbackEndToEndTests: EndToEndTestCase {
    func testWildcardAndRefusedNATFallBackToUserspace() throws {
        let port = Int.random(in: 20000...29999)
        var plan = webPlan(basePort: port)
        let token = "web-1.eth0.ipv4"
        // Incus refuses a NAT connect address that is not one of the NIC's static addresses.
        plan.instances["web-1"]?.devices["proxy-refused"] = [
            "type": "proxy", "nat": "true", "listen": "tcp:\(bridgeAddress):\(port + 200)",
            "connect": "tcp:127.0.0.1:80",
        ]
        PlanFixtures.addNATProxy(to: &plan, listen: "tcp:\(bridgeAddress):\(port + 100)")
        var pointers = plan.placeholders[token]?.pointers ?? []
        // Incus 6.0 and 7.1 refuse a NAT proxy on a wildcard address, 7.0.1+ and 7.2+ accept it: apply
        // tries, and falls back where it is refused.
        plan.instances["web-1"]?.devices["proxy-any"] = [
            "type": "proxy", "nat": "true", "listen": "tcp:0.0.0.0:\(port + 300)", "connect": "tcp:{{\(token)}}:80",
        ]
        pointers.append("/instances/web-1/devices/proxy-any/connect")
        plan.placeholders[token] = PlanPlaceholder(
            instance: "web-1", device: "eth0", family: "ipv4", pointers: pointers)

        let (result, lines) = applySucceeds(plan)
        let wildcard = try query("/1.0/instances/web-1?project=\(project)")["devices"]?["proxy-any"]
        let wildcardSupported = wildcard?["nat"]?.stringValue == "true"
        XCTAssertEqual(result.summary?.fallbacks, wildcardSupported ? 1 : 2, lines.joined(separator: "\n"))
        XCTAssertTrue(
            lines.contains { $0.hasPrefix("warning: fallback proxy proxy-refused") && $0.contains("static") },
            lines.joined(separator: "\n"))
        let devices = try query("/1.0/instances/web-1?project=\(project)")["devices"]
        XCTAssertNil(devices?["proxy-refused"]?["nat"])
        XCTAssertEqual(devices?["proxy-refused"]?["connect"]?.stringValue, "tcp:127.0.0.1:80")
        XCTAssertEqual(devices?["proxy-nat"]?["nat"]?.stringValue, "true", "an acceptable NAT proxy stays NAT")
        XCTAssertTrue(
            Shell.waitForHTTP(
                "http://\(bridgeAddress):\(port + 200)/", containing: "compose-test ok", seconds: 15),
            "the userspace fallback of the refused NAT proxy answers")
        if wildcardSupported {
            XCTAssertTrue(
                Shell.waitForHTTP("http://\(bridgeAddress):\(port + 300)/", containing: "compose-test ok", seconds: 15),
                "the wildcard NAT proxy answers on the bridge address")
        } else {
            XCTAssertTrue(
                lines.contains { $0.hasPrefix("warning: fallback proxy proxy-any") && $0.contains("wildcard") },
                lines.joined(separator: "\n"))
            XCTAssertTrue(
                Shell.waitForHTTP("http://127.0.0.1:\(port + 300)/", containing: "compose-test ok", seconds: 15),
                "the userspace fallback of the wildcard NAT proxy answers")
        }
        let (again, againLines) = applySucceeds(plan)
        XCTAssertEqual(again.writeRequests, [], againLines.joined(separator: "\n"))
    }
}
