import Plan
import PlanFixtures
import XCTest

@testable import Apply

final class ComparisonTests: XCTestCase {
    func testInstanceConfigIgnoresServerManagedKeys() {
        let plan = ["user.compose.project": "demo", "environment.A": "1"]
        var server = plan
        server["volatile.eth0.hwaddr"] = "00:16:3e:00:00:01"
        server["image.os"] = "busybox"
        XCTAssertEqual(ConfigComparison.changedInstanceKeys(plan: plan, server: server), [])
        server["environment.B"] = "2"
        server["environment.A"] = "3"
        XCTAssertEqual(
            ConfigComparison.changedInstanceKeys(plan: plan, server: server), ["environment.A", "environment.B"])
    }

    func testNetworkAutoMatchesAnyAddress() {
        let plan = ["ipv4.address": "auto", "ipv4.nat": "false", "user.compose.project": "demo"]
        let server = [
            "ipv4.address": "10.1.2.1/24", "ipv4.nat": "false", "ipv6.address": "fd42::1/64", "ipv6.nat": "true",
            "user.compose.project": "demo",
        ]
        XCTAssertEqual(ConfigComparison.changedNetworkKeys(plan: plan, server: server), [])
        let update = ConfigComparison.networkUpdate(plan: plan.merging(["dns.domain": "x"]) { $1 }, server: server)
        XCTAssertEqual(update["ipv4.address"], "10.1.2.1/24", "auto keeps the address the server picked")
        XCTAssertEqual(update["ipv6.address"], "fd42::1/64")
        var extra = server
        extra["raw.dnsmasq"] = "cname=a,b"
        XCTAssertEqual(ConfigComparison.changedNetworkKeys(plan: plan, server: extra), ["raw.dnsmasq"])
        XCTAssertEqual(ConfigComparison.changedNetworkKeys(plan: plan, server: extra, ignoring: ["raw.dnsmasq"]), [])
    }

    func testProjectComparesPlanKeysOnly() {
        let plan = ["features.images": "false", "user.compose.project": "demo"]
        let server = plan.merging(["features.storage.buckets": "true"]) { $1 }
        XCTAssertEqual(ConfigComparison.changedPlanKeys(plan: plan, server: server), [])
        XCTAssertEqual(
            ConfigComparison.changedPlanKeys(plan: plan, server: ["user.compose.project": "demo"]), ["features.images"])
    }

    func testAKeyThePlanDropsIsRemovedButServerDefaultsStay() {
        let before = ["limits.instances": "10", "user.compose.project": "demo"]
        let server = ConfigComparison.recorded(before).merging(["features.storage.buckets": "true"]) { $1 }
        XCTAssertEqual(ConfigComparison.recordedUpdate(plan: before, server: server).changed, [])
        let (changed, config) = ConfigComparison.recordedUpdate(plan: ["user.compose.project": "demo"], server: server)
        XCTAssertEqual(changed, ["limits.instances", "user.compose.keys"])
        XCTAssertEqual(
            config,
            [
                "user.compose.project": "demo", "user.compose.keys": "user.compose.project",
                "features.storage.buckets": "true",
            ])
        // A volume without planned keys carries no (empty) record; an old record goes.
        let volume = ConfigComparison.recordedUpdate(plan: [:], server: ["size": "1GiB", "user.compose.keys": "size"])
        XCTAssertEqual(volume.changed, ["size", "user.compose.keys"])
        XCTAssertEqual(volume.config, [:])
    }

    func testProxyFallback() {
        let nat = ["type": "proxy", "nat": "true", "listen": "tcp:0.0.0.0:8080", "connect": "tcp:10.1.2.3:80"]
        XCTAssertTrue(ProxyFallback.isNATProxy(nat))
        XCTAssertEqual(
            ProxyFallback.userspace(nat),
            ["type": "proxy", "listen": "tcp:0.0.0.0:8080", "connect": "tcp:127.0.0.1:80"])
        let six = ["type": "proxy", "nat": "true", "listen": "udp:[::]:53", "connect": "udp:[fd00::5]:53"]
        XCTAssertEqual(ProxyFallback.userspace(six)["connect"], "udp:[::1]:53")
    }

    func testDesiredInstanceDefersPlaceholderDevicesAndPinsNIC() {
        var plan = PlanFixtures.web(project: "demo", network: "n")
        PlanFixtures.addNATProxy(to: &plan, listen: "tcp:10.0.0.1:8080")
        let index = PlaceholderIndex(plan: plan)
        let before = DesiredInstance.build("web-1", plan: plan, index: index, values: [:])
        XCTAssertEqual(before.pendingDevices, ["proxy-nat"])
        XCTAssertNil(before.devices["eth0"]?["ipv4.address"])
        XCTAssertEqual(before.config["environment.LITERAL"], "{{not-a-placeholder}}", "literal braces stay")

        let after = DesiredInstance.build(
            "web-1", plan: plan, index: index, values: ["web-1.eth0.ipv4": "10.0.0.5"])
        XCTAssertEqual(after.pendingDevices, [])
        XCTAssertEqual(after.devices["proxy-nat"]?["connect"], "tcp:10.0.0.5:80")
        XCTAssertEqual(after.devices["eth0"]?["ipv4.address"], "10.0.0.5")
        XCTAssertEqual(after.lateDevices, ["proxy-nat"])
        XCTAssertEqual(after.config["environment.LITERAL"], "{{not-a-placeholder}}", "literal braces stay")
    }

    func testLoopbackCompanionsAreLateAndLeftOutWhereTheirNATProxyFellBack() {
        var plan = PlanFixtures.web(project: "demo", network: "n")
        PlanFixtures.addNATProxy(to: &plan, listen: "tcp:0.0.0.0:8080")
        let companion = [
            "type": "proxy", "bind": "host", "listen": "tcp:127.0.0.1:8080", "connect": "tcp:127.0.0.1:80",
        ]
        plan.instances["web-1"]?.devices["proxy-nat-loopback"] = companion
        let index = PlaceholderIndex(plan: plan)
        let desired = DesiredInstance.build("web-1", plan: plan, index: index, values: ["web-1.eth0.ipv4": "10.0.0.5"])
        XCTAssertEqual(desired.devices["proxy-nat"]?["nat"], "true", "NAT is tried on every server")
        XCTAssertEqual(desired.lateDevices, ["proxy-nat", "proxy-nat-loopback"])
        let nat = desired.devices["proxy-nat"] ?? [:]
        func server(_ proxy: [String: String]) -> ServerInstance {
            ServerInstance(
                name: "web-1", status: "Running", config: [:], devices: ["proxy-nat": proxy], profiles: [],
                description: "", raw: .object([:]))
        }
        XCTAssertEqual(
            desired.withoutCompanionsOfFallbacks(server: server(nat)).devices["proxy-nat-loopback"], companion)
        let fellBack = desired.withoutCompanionsOfFallbacks(server: server(ProxyFallback.userspace(nat)))
        XCTAssertNil(fellBack.devices["proxy-nat-loopback"])
        XCTAssertEqual(fellBack.lateDevices, ["proxy-nat"])
        XCTAssertEqual(LoopbackCompanion.parent(of: "port-tcp-8080-loopback6"), "port-tcp-8080")
        XCTAssertNil(LoopbackCompanion.parent(of: "port-tcp-8080"))
    }

    func testPinnedValuesComeFromMatchingNICsOnly() {
        var plan = PlanFixtures.web(project: "demo", network: "n")
        PlanFixtures.addNATProxy(to: &plan, listen: "tcp:10.0.0.1:8080")
        let planNIC = plan.instances["web-1"]?.devices["eth0"] ?? [:]
        func server(_ nic: [String: String]) -> [String: ServerInstance] {
            [
                "web-1": ServerInstance(
                    name: "web-1", status: "Running", config: [:], devices: ["eth0": nic], profiles: [],
                    description: "", raw: .null)
            ]
        }
        var pinned = planNIC
        pinned["ipv4.address"] = "10.0.0.7"
        XCTAssertEqual(
            AddressDiscovery.pinnedValues(plan: plan, server: server(pinned)), ["web-1.eth0.ipv4": "10.0.0.7"])
        var moved = pinned
        moved["network"] = "other"
        XCTAssertEqual(AddressDiscovery.pinnedValues(plan: plan, server: server(moved)), [:])
        XCTAssertEqual(AddressDiscovery.pinnedValues(plan: plan, server: server(planNIC)), [:])
    }

    func testAddressFromState() throws {
        let state = try JanssonCoding.decode(
            #"{"eth0":{"addresses":[{"family":"inet6","address":"fe80::1","scope":"link"},"#
                + #"{"family":"inet","address":"10.0.0.9","scope":"global"}]}}"#)
        XCTAssertEqual(AddressDiscovery.address(in: state, interface: "eth0", family: "ipv4"), "10.0.0.9")
        XCTAssertNil(AddressDiscovery.address(in: state, interface: "eth0", family: "ipv6"))
    }
}
