import Foundation
import Plan
import PlanFixtures
import XCTest

@testable import Apply

/// How apply reads OCI image references and configs, and what it expects Incus to copy from them.
final class ImageConfigTests: XCTestCase {
    func testReferencesSplitAsTheRegistryAPIAddressesThem() throws {
        let hub = try XCTUnwrap(RegistryReference("docker.io/library/nginx:latest"))
        XCTAssertEqual(hub.apiBase, "https://registry-1.docker.io")
        XCTAssertEqual(hub.repository, "library/nginx")
        XCTAssertEqual(hub.tagOrDigest, "latest")
        let local = try XCTUnwrap(RegistryReference("127.0.0.1:5000/compose-test/entry-cmd:1"))
        XCTAssertEqual(local.apiBase, "https://127.0.0.1:5000")
        XCTAssertEqual(local.repository, "compose-test/entry-cmd")
        XCTAssertEqual(local.tagOrDigest, "1")
        let pinned = try XCTUnwrap(RegistryReference("ghcr.io/org/app@sha256:0123abcd"))
        XCTAssertEqual(pinned.repository, "org/app")
        XCTAssertEqual(pinned.tagOrDigest, "sha256:0123abcd")
        XCTAssertEqual(RegistryReference("registry:5000/app")?.tagOrDigest, "latest", "a port is not a tag")
        XCTAssertNil(RegistryReference("nginx"))
    }

    func testPlaceholderValuesAndDefaultsAreWhatIncusRuns() throws {
        let blob = try JanssonCoding.decode(
            #"{"config": {"Entrypoint": ["/bin/entry.sh"], "Cmd": ["httpd", "-h", "/var/www root"], "#
                + #""Env": ["PATH=/bin", "EMPTY=", "GREETING=a=b"]}}"#)
        let config = OCIImageConfig(incusFingerprint: "1", blob: blob)
        XCTAssertEqual(config.value(of: "entrypoint"), "/bin/entry.sh")
        XCTAssertEqual(config.value(of: "cmd"), "httpd -h '/var/www root'")
        XCTAssertNil(config.value(of: "user"))
        XCTAssertEqual(
            config.instanceDefaults,
            [
                "environment.PATH": "/bin", "environment.EMPTY": "", "environment.GREETING": "a=b",
                "oci.entrypoint": "/bin/entry.sh httpd -h '/var/www root'",
            ])
        let bare = OCIImageConfig(incusFingerprint: "", blob: try JanssonCoding.decode(#"{"config": {"Cmd": null}}"#))
        XCTAssertEqual(bare.value(of: "entrypoint"), "")
        XCTAssertEqual(bare.instanceDefaults, [:], "no command line, no environment")
        XCTAssertEqual(OCIImageConfig.platformArchitecture(incus: "x86_64"), "amd64")
        XCTAssertEqual(OCIImageConfig.platformArchitecture(incus: "aarch64"), "arm64")
    }

    func testEntrypointsCompareAsWords() {
        XCTAssertEqual(
            ConfigComparison.changedInstanceKeys(
                plan: ["oci.entrypoint": "/bin/sh -c 'exec httpd'"],
                server: ["oci.entrypoint": "/bin/sh -c \"exec httpd\""]),
            [])
        XCTAssertEqual(
            ConfigComparison.changedInstanceKeys(
                plan: ["oci.entrypoint": "httpd -p 80"], server: ["oci.entrypoint": "httpd -p 8080"]),
            ["oci.entrypoint"])
        XCTAssertEqual(
            ConfigComparison.changedInstanceKeys(plan: [:], server: ["oci.cwd": "/srv", "oci.uid": "0"]), [],
            "the image's working directory and user are Incus's own where the plan sets none")
    }

    func testImagePlaceholdersAreValidatedLikeAddresses() throws {
        var plan = PlanFixtures.web(project: "demo", network: "n")
        plan.instances["web-1"]?.image = PlanImage(kind: "oci", reference: "docker.io/library/nginx:latest", remote: "")
        let token = PlanPlaceholder.imageToken(property: "entrypoint", image: "docker.io/library/nginx:latest")
        plan.instances["web-1"]?.config["oci.entrypoint"] = "{{\(token)}} nginx -g 'daemon off;'"
        plan.placeholders[token] = PlanPlaceholder(
            image: "docker.io/library/nginx:latest", property: "entrypoint",
            pointers: ["/instances/web-1/config/oci.entrypoint"])
        XCTAssertNoThrow(try PlanValidator.validate(plan, document: plan.jsonValue))
        let decoded = try Plan(json: plan.jsonValue)
        XCTAssertEqual(decoded.placeholders[token], plan.placeholders[token], "encoded and read back")

        var wrongImage = plan
        wrongImage.placeholders[token]?.image = "docker.io/library/redis:latest"
        XCTAssertThrowsError(try PlanValidator.validate(wrongImage, document: wrongImage.jsonValue))
        var wrongSite = plan
        wrongSite.placeholders[token]?.pointers = ["/instances/web-1/config/environment.X"]
        wrongSite.instances["web-1"]?.config["environment.X"] = "{{\(token)}}"
        XCTAssertThrowsError(try PlanValidator.validate(wrongSite, document: wrongSite.jsonValue))
    }
}

/// The healthcheck apply runs and the job status it reads.
final class HealthRuleTests: XCTestCase {
    func testPlanImageAndDefaultsMergeAsDockerMergesThem() throws {
        let image = PlanHealthcheck(
            test: ["CMD", "pg_isready"], intervalMilliseconds: 10_000, timeoutMilliseconds: 2_000, retries: 7)
        let onlyInterval = PlanHealthcheck(test: [], intervalMilliseconds: 1_500)
        let merged = try XCTUnwrap(HealthRule.effective(plan: onlyInterval, image: image))
        XCTAssertEqual(merged.command, ["pg_isready"], "the image's test")
        XCTAssertEqual(merged.interval, 1.5, "compose's interval")
        XCTAssertEqual(merged.timeout, 2, "the image's timeout")
        XCTAssertEqual(merged.retries, 7)
        XCTAssertEqual(merged.startInterval, HealthRule.defaultStartInterval, "docker's default")
        let shell = try XCTUnwrap(
            HealthRule.effective(plan: PlanHealthcheck(test: ["CMD-SHELL", "exit 0"]), image: nil))
        XCTAssertEqual(shell.command, ["/bin/sh", "-c", "exit 0"])
        XCTAssertEqual(shell.interval, HealthRule.defaultInterval)
        XCTAssertEqual(shell.retries, HealthRule.defaultRetries)
        XCTAssertNil(HealthRule.effective(plan: PlanHealthcheck(test: [], disabled: true), image: image))
        XCTAssertNil(HealthRule.effective(plan: PlanHealthcheck(test: ["NONE"]), image: image))
        XCTAssertNil(HealthRule.effective(plan: nil, image: nil))
        XCTAssertEqual(HealthRule.effective(plan: nil, image: image)?.command, ["pg_isready"], "the image's own")
    }

    func testJobExitStatusComesFromTheLastStartInLXCsLog() {
        let log = """
            lxc p_job 1 NOTICE execute - execute.c:execute_post_start:34 - '/bin/sh' started with pid '100'
            lxc p_job 2 INFO error - error.c:lxc_error_set_and_log:31 - Child <100> ended on error (7)
            lxc p_job 3 NOTICE execute - execute.c:execute_post_start:34 - '/bin/sh' started with pid '200'
            """
        XCTAssertEqual(JobExitStatus.parse(log), 0, "the second run logged no error: status 0")
        XCTAssertEqual(
            JobExitStatus.parse(log + "\nlxc p_job 4 INFO error - Child <200> ended on signal (9)"), 137)
        XCTAssertEqual(JobExitStatus.parse(log + "\nlxc p_job 4 INFO error - Child <200> ended on error (3)"), 3)
        XCTAssertNil(JobExitStatus.parse("no start here"))
        XCTAssertEqual(
            StatusReport.portText(listen: "tcp:0.0.0.0:8080", connect: "tcp:10.0.0.5:80"), "0.0.0.0:8080->80/tcp")
    }
}
