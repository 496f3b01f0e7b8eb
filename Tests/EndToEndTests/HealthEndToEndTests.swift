import Apply
import Foundation
import Plan
import TestHelpers
import XCTest

/// Healthchecks and start order: `service_healthy`, `service_completed_successfully`, `--wait`,
/// jobs that stay done, and `ps` showing health.
final class HealthEndToEndTests: ComposeDirectoryTestCase {
    private func serverHasOCI() throws -> Bool {
        let extensions = try query("/1.0")["api_extensions"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return extensions.contains("instance_oci")
    }

    private var networks: String {
        """
        networks:
          default:
            x-incus:
              ipv4.address: \(subnet)
              ipv4.nat: "false"
        """
    }

    private func state(_ instance: String) -> String {
        let output = Shell.run(
            "/usr/bin/incus", ["list", "--project", project, "--format", "csv", "-c", "s", "^\(instance)$"],
            environment: environment)
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testHealthyDatabaseAndCompletedJobGateTheApp() throws {
        guard try serverHasOCI() else { throw XCTSkip("OCI images need instance_oci (Incus 6.3+)") }
        let registry = try XCTUnwrap(environment["INCUS_TEST_REGISTRY"], "start the server with scripts/incus7-env.sh")
        let image = "\(registry)/compose-test/httpd:1"
        let planPath = try compileProject(
            """
            name: \(project)
            services:
              db:
                image: \(image)
                entrypoint: ["/bin/sh", "-c", "sleep 4; date +%s > /tmp/ready; exec httpd -f -p 80 -h /var/www"]
                healthcheck:
                  test: test -f /tmp/ready
                  interval: 1s
                  timeout: 3s
                  retries: 2
                  start_period: 30s
                  start_interval: 1s
              migrate:
                image: \(image)
                entrypoint: ["/bin/sh", "-c", "sleep 2; exit 0"]
              app:
                image: \(image)
                entrypoint: ["/bin/sh", "-c", "date +%s > /tmp/started; exec httpd -f -p 80 -h /var/www"]
                depends_on:
                  db: {condition: service_healthy}
                  migrate: {condition: service_completed_successfully}
            \(networks)
            """)
        var options = ApplyOptions()
        options.wait = true
        options.waitTimeout = 120
        let (first, lines) = run(planFile: planPath, options: options)
        let text = lines.joined(separator: "\n")
        XCTAssertEqual(first.status, .success, "\(first.message ?? "")\n" + text)
        let healthy = try XCTUnwrap(lines.firstIndex { $0.contains("db-1 (project \(project)) is healthy") }, text)
        let completed = try XCTUnwrap(
            lines.firstIndex { $0.contains("migrate-1 (project \(project)) completed successfully") }, text)
        let appCreated = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("created instance app-1") }, text)
        XCTAssertLessThan(healthy, appCreated, "app starts after db is healthy")
        XCTAssertLessThan(completed, appCreated, "app starts after the job finished")
        let ready = Shell.run(
            "/usr/bin/incus", ["exec", "--project", project, "db-1", "--", "cat", "/tmp/ready"],
            environment: environment)
        let started = Shell.run(
            "/usr/bin/incus", ["exec", "--project", project, "app-1", "--", "cat", "/tmp/started"],
            environment: environment)
        XCTAssertLessThanOrEqual(
            Int(ready.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .max,
            Int(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, "the app's process started later")
        XCTAssertEqual(state("migrate-1"), "STOPPED", "the job ran and stopped")

        let (second, secondLines) = run(planFile: planPath, options: options)
        XCTAssertEqual(second.status, .success, secondLines.joined(separator: "\n"))
        XCTAssertEqual(second.writeRequests, [], "re-apply writes nothing\n" + secondLines.joined(separator: "\n"))
        XCTAssertEqual(state("migrate-1"), "STOPPED", "the completed job stays done")

        let status = ApplyRun.status(ApplyInvocation(planPath: planPath, socket: socket), services: ["db", "migrate"])
        XCTAssertEqual(status.status, .success, status.message ?? "")
        XCTAssertEqual(status.rows.map(\.instance), ["db-1", "migrate-1"])
        XCTAssertEqual(status.rows.first?.health, "healthy")
        XCTAssertEqual(status.rows.last?.state, "stopped")
        XCTAssertNil(status.rows.last?.health)
    }

    func testUnhealthyDependencyStopsItsDependentsOnly() throws {
        let planPath = try compileProject(
            """
            name: \(project)
            services:
              broken:
                image: busybox
                healthcheck:
                  test: ["CMD", "false"]
                  interval: 1s
                  retries: 2
                x-incus: {image: "local:compose-test"}
              web:
                image: busybox
                depends_on:
                  broken: {condition: service_healthy}
                x-incus: {image: "local:compose-test"}
              other:
                image: busybox
                x-incus: {image: "local:compose-test"}
            \(networks)
            """)
        let (result, lines) = run(planFile: planPath)
        let text = lines.joined(separator: "\n")
        XCTAssertEqual(result.status, .failed, text)
        XCTAssertTrue(result.message?.contains("broken-1") ?? false, result.message ?? "")
        XCTAssertTrue(result.message?.contains("is unhealthy") ?? false, result.message ?? "")
        XCTAssertEqual(state("web-1"), "", "the dependent was not created")
        XCTAssertEqual(state("other-1"), "RUNNING", "everything else converged")
        let status = ApplyRun.status(ApplyInvocation(planPath: planPath, socket: socket), services: [])
        XCTAssertEqual(status.rows.map(\.instance), ["broken-1", "other-1", "web-1"])
        XCTAssertEqual(status.rows.map { $0.health ?? "-" }, ["unhealthy", "-", "-"])
        XCTAssertEqual(status.rows.last?.state, "missing")
        let unknown = ApplyRun.status(ApplyInvocation(planPath: planPath, socket: socket), services: ["nosuch"])
        XCTAssertEqual(unknown.status, .invalidPlan)
        XCTAssertTrue(unknown.message?.contains("nosuch") ?? false, unknown.message ?? "")
        XCTAssertTrue(unknown.message?.contains("broken, other, web") ?? false, unknown.message ?? "")
    }
}
