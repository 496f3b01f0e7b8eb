import Apply
import Foundation
import Plan
import TestHelpers
import XCTest

/// A changed image rebuilds the instance (Incus's rebuild API), keeping its volumes and ports.
final class ImageChangeEndToEndTests: ComposeDirectoryTestCase {
    private func compose(image: String, natPort: Int) -> String {
        """
        name: \(project)
        services:
          web:
            image: busybox
            ports: ["\(bridgeAddress):\(natPort):80"]
            volumes: [data:/data]
            x-incus: {image: "local:\(image)", nat-proxy: true}
        volumes:
          data: {}
        networks:
          default:
            x-incus: {ipv4.address: \(subnet), ipv4.nat: "false"}
        """
    }

    /// A second image: the test image with another front page, published from a stopped container.
    private func makeSecondImage() throws -> String {
        let alias = "compose-test-\(project)"
        let builder = "b-\(project)"
        incus(["init", "compose-test", builder, "--project", "default"])
        incus(["start", builder, "--project", "default"])
        var written = false
        for _ in 0..<40 where !written {
            written =
                Shell.run(
                    "/usr/bin/incus",
                    ["exec", builder, "--project", "default", "--", "sh", "-c", "echo image-b > /var/www/index.html"],
                    environment: environment
                ).status == 0
            if !written { Thread.sleep(forTimeInterval: 0.25) }
        }
        XCTAssertTrue(written, "wrote the second image's front page")
        incus(["stop", builder, "--project", "default", "--force"])
        incus(["publish", builder, "--project", "default", "--alias", alias])
        incus(["delete", builder, "--project", "default"])
        addTeardownBlock { [environment] in
            _ = Shell.run(
                "/usr/bin/incus", ["image", "delete", alias, "--project", "default"], environment: environment)
        }
        return alias
    }

    func testChangedImageRebuildsKeepingVolumeDataAndPorts() throws {
        let natPort = Int.random(in: 20000...24999)
        let second = try makeSecondImage()
        let firstPlan = try compileProject(compose(image: "compose-test", natPort: natPort))
        let (first, firstLines) = run(planFile: firstPlan)
        XCTAssertEqual(first.status, .success, "\(first.message ?? "")\n" + firstLines.joined(separator: "\n"))
        XCTAssertTrue(
            Shell.waitForHTTP("http://\(bridgeAddress):\(natPort)/", containing: "compose-test ok", seconds: 20))
        incus(["exec", "web-1", "--project", project, "--", "sh", "-c", "echo kept > /data/file"])
        let before = try query("/1.0/instances/web-1?project=\(project)")["config"]?["volatile.base_image"]?.stringValue

        let secondPlan = try compileProject(compose(image: second, natPort: natPort))
        var dryRun = ApplyOptions()
        dryRun.dryRun = true
        let (dry, dryLines) = run(planFile: secondPlan, options: dryRun)
        XCTAssertEqual(dry.writeRequests, [])
        XCTAssertTrue(
            dryLines.contains { $0.contains("rebuild from incus:local:\(second)") }, dryLines.joined(separator: "\n"))
        let (changed, changedLines) = run(planFile: secondPlan)
        let text = changedLines.joined(separator: "\n")
        XCTAssertEqual(changed.status, .success, "\(changed.message ?? "")\n" + text)
        XCTAssertTrue(text.contains("rebuilt from incus:local:\(second) (was incus:local:compose-test)"), text)
        let after = try query("/1.0/instances/web-1?project=\(project)")["config"]?["volatile.base_image"]?.stringValue
        XCTAssertNotEqual(before, after, "the instance's base image is the new one")
        XCTAssertTrue(
            Shell.waitForHTTP("http://\(bridgeAddress):\(natPort)/", containing: "image-b", seconds: 20),
            "the NAT port answers from the new image")
        XCTAssertEqual(
            incus(["exec", "web-1", "--project", project, "--", "cat", "/data/file"]), "kept\n", "volume data kept")
        let (again, againLines) = run(planFile: secondPlan)
        XCTAssertEqual(again.writeRequests, [], "re-apply writes nothing\n" + againLines.joined(separator: "\n"))
    }
}
