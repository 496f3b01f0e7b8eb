import Foundation
import XCTest

/// Each class of bad input exits 1 with one `file:line:column: error: …` line and prints no plan.
final class CompileErrorTests: XCTestCase {
    /// Compiles `yaml` as compose.yaml of a fresh project; returns stderr with the directory replaced by `DIR`.
    func compileError(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let directory = try TestSupport.makeProject(["compose.yaml": yaml])
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try TestSupport.run(
            TestSupport.compileBinary.path, ["-f", "compose.yaml"], workingDirectory: directory.path)
        XCTAssertEqual(result.status, 1, "exit status", file: file, line: line)
        XCTAssertEqual(result.standardOutput, "", "no plan on bad input", file: file, line: line)
        return result.standardError.replacingOccurrences(of: directory.path, with: "DIR")
    }

    func testMalformedYAML() throws {
        XCTAssertEqual(
            try compileError("services:\n  web:\n    image: [nginx\n"),
            "DIR/compose.yaml:4:1: error: invalid YAML: did not find expected ',' or ']' while parsing a flow sequence\n"
        )
    }

    func testLabelsCannotTakeTheMarkersApplyKeeps() throws {
        XCTAssertEqual(
            try compileError("services:\n  web:\n    image: nginx\n    labels:\n      compose.image: x\n"),
            "DIR/compose.yaml:5:22: error: label 'compose.image' collides with the marker this tool keeps in Incus as"
                + " 'user.compose.image' (at services.web.labels.compose.image)\n")
    }

    func testStaticAddressOutsideItsNetworksSubnet() throws {
        XCTAssertEqual(
            try compileError(
                "services:\n  web:\n    image: nginx\n    networks:\n      front:\n        ipv4_address: 10.9.0.5\n"
                    + "networks:\n  front:\n    ipam:\n      config:\n        - subnet: 10.8.0.0/24\n"),
            "DIR/compose.yaml:6:23: error: ipv4_address 10.9.0.5 is not inside network 'front' (10.8.0.1/24)"
                + " (at services.web.networks.front.ipv4_address)\n")
    }

    func testSysctlsAndUlimitsDockerWouldRefuseAtStart() throws {
        XCTAssertEqual(
            try compileError("services:\n  web:\n    image: nginx\n    sysctls:\n      vm.swappiness: 10\n"),
            "DIR/compose.yaml:5:22: error: sysctl 'vm.swappiness' is not one a container has for itself, so it cannot"
                + " be set for one (docker refuses it too); kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.* and"
                + " net.* can (at services.web.sysctls.vm.swappiness)\n")
        XCTAssertEqual(
            try compileError("services:\n  web:\n    image: nginx\n    ulimits:\n      nofiles: 10\n"),
            "DIR/compose.yaml:5:7: error: unknown ulimit 'nofiles': the limits are as, core, cpu, data, fsize, locks,"
                + " memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack; did you mean"
                + " 'nofile'? (at services.web.ulimits.nofiles)\n")
        XCTAssertEqual(
            try compileError(
                "services:\n  web:\n    image: nginx\n    ulimits:\n      nofile: {soft: 20, hard: 10}\n"),
            "DIR/compose.yaml:5:7: error: ulimit 'nofile' has a soft limit above its hard limit"
                + " (at services.web.ulimits.nofile)\n")
    }

    func testClusterTargetsThatSplitANetworkOrAVolume() throws {
        XCTAssertEqual(
            try compileError(
                "services:\n  web:\n    image: nginx\n  db:\n    image: postgres\n    x-incus:\n      target: m2\n"),
            "DIR/compose.yaml:7:15: error: services 'db' (x-incus.target m2) and 'web' (the member Incus chooses)"
                + " share network 'default', but a network does not span Incus cluster members; give 'db' networks"
                + " and volumes of its own, or the same target (at services.db.x-incus.target)\n")
        XCTAssertEqual(
            try compileError(
                "x-incus:\n  target: m1\nservices:\n  web:\n    image: nginx\n    network_mode: none\n"
                    + "    volumes: [data:/data]\n  db:\n    image: postgres\n    network_mode: none\n"
                    + "    volumes: [data:/var/lib/db]\n    x-incus: {target: \"@fast\"}\nvolumes:\n  data:\n"),
            "DIR/compose.yaml:12:23: error: services 'db' (x-incus.target @fast) and 'web' (the project's target m1)"
                + " share volume 'data', but a volume does not span Incus cluster members; give 'db' networks and"
                + " volumes of its own, or the same target (at services.db.x-incus.target)\n")
        XCTAssertEqual(
            try compileError("x-incus:\n  target: m 1\nservices:\n  web:\n    image: nginx\n"),
            "DIR/compose.yaml:2:11: error: x-incus.target takes a cluster member name (m1) or @ and a cluster group"
                + " name (@fast), not 'm 1' (at x-incus.target)\n")
    }

    func testStaticAddressThatIsTheNetworksOwn() throws {
        XCTAssertEqual(
            try compileError(
                "services:\n  web:\n    image: nginx\n    networks:\n      front:\n        ipv4_address: 10.8.0.1\n"
                    + "networks:\n  front:\n    ipam:\n      config:\n        - subnet: 10.8.0.0/24\n"),
            "DIR/compose.yaml:6:23: error: ipv4_address 10.8.0.1 is the address of network 'front' itself (its"
                + " gateway); give the instance another one (at services.web.networks.front.ipv4_address)\n")
    }

    func testUnknownCapability() throws {
        XCTAssertEqual(
            try compileError("services:\n  web:\n    image: nginx\n    cap_drop: [NET_RAWW]\n"),
            "DIR/compose.yaml:4:16: error: unknown capability 'NET_RAWW'; did you mean 'NET_RAW'?"
                + " (at services.web.cap_drop[0])\n")
    }

    func testUnknownStopSignal() throws {
        XCTAssertEqual(
            try compileError("services:\n  web:\n    image: nginx\n    stop_signal: SIGTREM\n"),
            "DIR/compose.yaml:4:18: error: unknown stop_signal 'SIGTREM'; did you mean 'SIGTERM'?"
                + " (at services.web.stop_signal)\n")
    }

    func testWrongType() throws {
        XCTAssertEqual(
            try compileError("services:\n  web:\n    image: nginx\n    ports: \"80:80\"\n"),
            "DIR/compose.yaml:4:12: error: expected a list, found a string '80:80' (at services.web.ports)\n")
    }

    func testUnknownUndottedIncusOption() throws {
        XCTAssertEqual(
            try compileError("services:\n  web:\n    image: nginx\n    x-incus:\n      natproxy: true\n"),
            "DIR/compose.yaml:5:7: error: unknown x-incus option 'natproxy' (options: image, nat-proxy, target; Incus config"
                + " keys contain a dot, such as limits.cpu) (at services.web.x-incus.natproxy)\n")
    }

    func testNatProxyMustBeBoolean() throws {
        XCTAssertEqual(
            try compileError("services:\n  a:\n    image: nginx\n    x-incus:\n      nat-proxy: yes\n"),
            "DIR/compose.yaml:5:18: error: x-incus.nat-proxy takes true or false, not a string 'yes'"
                + " (at services.a.x-incus.nat-proxy)\n")
    }

    func testInvalidPorts() throws {
        XCTAssertEqual(
            try compileError("services:\n  web:\n    image: nginx\n    ports: [\"80:80:80\"]\n"),
            "DIR/compose.yaml:4:13: error: invalid port '80:80:80': '80' is not an IP address (at services.web.ports[0])\n"
        )
        XCTAssertEqual(
            try compileError("services:\n  web:\n    image: nginx\n    ports: [\"abc\"]\n"),
            "DIR/compose.yaml:4:13: error: invalid port 'abc': expected a number or a range like 8000-8010"
                + " (at services.web.ports[0])\n")
        XCTAssertEqual(
            try compileError("services:\n  a:\n    image: nginx\n    ports: [\"99999:80\"]\n"),
            "DIR/compose.yaml:4:13: error: invalid port 99999: ports are 0 to 65535 (at services.a.ports[0])\n")
        XCTAssertEqual(
            try compileError("services:\n  a:\n    image: nginx\n    ports: [\"18446744073709551616:80\"]\n"),
            "DIR/compose.yaml:4:13: error: invalid port '18446744073709551616': expected a number or a range like"
                + " 8000-8010 (at services.a.ports[0])\n")
    }

    /// A zero port target and an empty mount target are left out of the model `config` prints, so
    /// the compile refuses them as missing.
    func testEmptyTargets() throws {
        XCTAssertEqual(
            try compileError("services:\n  web:\n    image: nginx\n    ports: [\"8080:0\"]\n"),
            "DIR/compose.yaml:4:13: error: a port mapping needs 'target' (at services.web.ports[0])\n")
        XCTAssertEqual(
            try compileError(
                "services:\n  web:\n    image: nginx\n    volumes: [{type: volume, source: data, target: \"\"}]\n"
                    + "volumes:\n  data: {}\n"),
            "DIR/compose.yaml:4:15: error: a volume mount needs 'target' (at services.web.volumes[0])\n")
    }

    func testDuplicateInstanceNames() throws {
        XCTAssertEqual(
            try compileError("services:\n  a:\n    image: nginx\n    container_name: b-1\n  b:\n    image: nginx\n"),
            "DIR/compose.yaml:5:3: error: services 'a' and 'b' both produce the Incus instance name 'b-1' (at services.b)\n"
        )
    }

    func testDependsOnCycle() throws {
        XCTAssertEqual(
            try compileError(
                "services:\n  a:\n    image: nginx\n    depends_on: [b]\n  b:\n    image: nginx\n    depends_on: [a]\n"),
            "DIR/compose.yaml:7:18: error: depends_on forms a cycle: a → b → a (at services.b.depends_on.a)\n")
    }

    func testUndeclaredReferences() throws {
        XCTAssertEqual(
            try compileError("services:\n  a:\n    image: nginx\n    networks: [nope]\n"),
            "DIR/compose.yaml:4:16: error: service uses network 'nope', which is not declared under the top-level"
                + " networks: (at services.a.networks.nope)\n")
        XCTAssertEqual(
            try compileError("services:\n  a:\n    image: nginx\n    volumes: [\"nope:/x\"]\n"),
            "DIR/compose.yaml:4:15: error: service uses volume 'nope', which is not declared under the top-level"
                + " volumes: (at services.a.volumes[0].source)\n")
        XCTAssertEqual(
            try compileError("services:\n  a:\n    image: nginx\n    depends_on: [ghost]\n"),
            "DIR/compose.yaml:4:18: error: service 'a' depends on 'ghost', which is not a service of this project"
                + " (at services.a.depends_on.ghost)\n")
    }

    func testServiceWithoutImage() throws {
        XCTAssertEqual(
            try compileError("services:\n  a:\n    restart: always\n"),
            "DIR/compose.yaml:2:3: error: service 'a' has no image: set image: to an OCI reference or x-incus.image:"
                + " to an Incus image (at services.a)\n")
    }

    func testEmptyFile() throws {
        XCTAssertEqual(try compileError(""), "DIR/compose.yaml:1:1: error: the compose file is empty\n")
    }
}
