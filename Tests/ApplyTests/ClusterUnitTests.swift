import XCTest

@testable import Apply

/// The parts of cluster support that need no cluster (ClusterEndToEndTests runs the rest on one).
final class ClusterUnitTests: XCTestCase {
    func testMemberSpecificNetworkKeysAreIncusOwnList() {
        for key in ["bridge.external_interfaces", "parent", "bgp.ipv4.nexthop", "bgp.ipv6.nexthop", "tunnel.t1.local"] {
            XCTAssertTrue(ClusterNetworks.isMemberSpecific(key), key)
        }
        for key in ["ipv4.address", "tunnel.t1.protocol", "tunnel..local", "bridge.mtu", "user.compose.project"] {
            XCTAssertFalse(ClusterNetworks.isMemberSpecific(key), key)
        }
    }

    func testPsShowsAMemberColumnOnlyOnACluster() {
        var row = InstanceStatus(
            service: "web", instance: "web-1", state: "running", health: nil, addresses: ["10.0.0.2"],
            ports: ["0.0.0.0:8080->80/tcp (nat)"], drifted: false)
        XCTAssertEqual(
            StatusReport.table([row]),
            "SERVICE  INSTANCE  STATE    HEALTH  ADDRESSES  PORTS\n"
                + "web      web-1     running          10.0.0.2   0.0.0.0:8080->80/tcp (nat)\n")
        XCTAssertFalse(StatusReport.json([row]).contains("member"))
        row.member = "m3"
        XCTAssertEqual(
            StatusReport.table([row]),
            "SERVICE  INSTANCE  STATE    HEALTH  MEMBER  ADDRESSES  PORTS\n"
                + "web      web-1     running          m3      10.0.0.2   0.0.0.0:8080->80/tcp (nat)\n")
        XCTAssertTrue(StatusReport.json([row]).contains(#""member": "m3""#))
    }
}
