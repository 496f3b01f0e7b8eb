import Foundation
import XCTest

/// Values built to overflow, loop or escape: numbers past every bound, cyclic extends and
/// includes, paths out of the project and device files. Each is refused with one error line and
/// no plan or, where compose allows it, accepted with its paths resolved.
final class HostileValueTests: HostileInputTestCase {
    // MARK: - Numeric overflow

    func testNumericOverflowInSizes() throws {
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    mem_limit: 99999999999999999999g\n"),
            "DIR/compose.yaml:4:16: error: invalid size '99999999999999999999g': expected bytes or a number with a unit"
                + " such as 64m or 1g (at services.web.mem_limit)\n")
        XCTAssertEqual(
            try refusal(
                "services:\n  web:\n    image: nginx\n    deploy:\n      resources:\n        limits:\n"
                    + "          memory: 17179869184g\n"),
            "DIR/compose.yaml:7:19: error: invalid size '17179869184g': expected bytes or a number with a unit such as"
                + " 64m or 1g (at services.web.deploy.resources.limits.memory)\n")
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    shm_size: 99999999999999999999g\n"),
            "DIR/compose.yaml:4:15: error: invalid size '99999999999999999999g': expected bytes or a number with a unit"
                + " such as 64m or 1g (at services.web.shm_size)\n")
    }

    func testNumericOverflowInCounts() throws {
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    cpus: 1e400\n"),
            "DIR/compose.yaml:4:11: error: invalid cpus '1e400': expected a positive number such as 0.5 or 2"
                + " (at services.web.cpus)\n")
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    deploy:\n      replicas: 99999999999999999999\n"),
            "DIR/compose.yaml:5:17: error: expected a string or an integer, found a number"
                + " '99999999999999999999' (at services.web.deploy.replicas)\n")
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    scale: 9223372036854775807\n"),
            "DIR/compose.yaml:4:12: error: replica count 9223372036854775807 is out of range (0 to 1000)"
                + " (at services.web)\n")
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    pids_limit: 99999999999999999999\n"),
            "DIR/compose.yaml:4:17: error: expected a whole number, found a number '99999999999999999999'"
                + " (at services.web.pids_limit)\n")
    }

    func testNumericOverflowInPorts() throws {
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    ports: [\"99999999999999999999:80\"]\n"),
            "DIR/compose.yaml:4:13: error: invalid port '99999999999999999999': expected a number or a range like"
                + " 8000-8010 (at services.web.ports[0])\n")
        XCTAssertEqual(
            try refusal(
                "services:\n  web:\n    image: nginx\n    ports:\n      - target: 99999999999999999999\n"
                    + "        published: \"80\"\n"),
            "DIR/compose.yaml:5:17: error: expected a string or an integer, found a number"
                + " '99999999999999999999' (at services.web.ports[0].target)\n")
        XCTAssertEqual(
            try refusal(
                "services:\n  web:\n    image: nginx\n    ports:\n      - target: 80\n"
                    + "        published: 99999999999999999999\n"),
            "DIR/compose.yaml:6:20: error: expected a string or an integer, found a number"
                + " '99999999999999999999' (at services.web.ports[0].published)\n")
    }

    func testDurationOverflow() throws {
        // Healthcheck durations reach the plan: one past Go's int64 nanoseconds is refused (as compose-go
        // refuses it), never an overflow.
        XCTAssertEqual(
            try refusal(
                "services:\n  web:\n    image: nginx\n    healthcheck:\n      interval: 99999999999999999999s\n"),
            "DIR/compose.yaml:5:17: error: healthcheck interval '99999999999999999999s' is not a duration such as 30s,"
                + " 1m30s or 500ms (at services.web.healthcheck.interval)\n")
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    healthcheck:\n      timeout: 9223372036854775807\n"),
            "DIR/compose.yaml:5:16: error: expected a string, found an integer '9223372036854775807'"
                + " (at services.web.healthcheck.timeout)\n")
    }

    // MARK: - Cycles

    func testCyclicExtends() throws {
        XCTAssertEqual(
            try refusal("services:\n  a:\n    image: nginx\n    extends: b\n  b:\n    image: nginx\n    extends: a\n"),
            "DIR/compose.yaml:4:14: error: circular extends: a (compose.yaml) → b (compose.yaml) → a (compose.yaml)"
                + " (at services.a.extends)\n")
        let acrossFiles = try compile([
            "compose.yaml": Array(
                "services:\n  a:\n    image: nginx\n    extends:\n      file: other.yaml\n      service: b\n".utf8),
            "other.yaml": Array(
                "services:\n  b:\n    image: nginx\n    extends:\n      file: compose.yaml\n      service: a\n".utf8),
        ])
        XCTAssertEqual(
            refusal(acrossFiles),
            "DIR/compose.yaml:5:7: error: circular extends: a (compose.yaml) → b (other.yaml) → a (compose.yaml)"
                + " (at services.a.extends)\n")
    }

    func testCyclicInclude() throws {
        let result = try compile([
            "compose.yaml": Array("include:\n  - other.yaml\nservices:\n  a:\n    image: nginx\n".utf8),
            "other.yaml": Array("include:\n  - compose.yaml\nservices:\n  b:\n    image: nginx\n".utf8),
        ])
        XCTAssertEqual(
            refusal(result),
            "DIR/other.yaml:2:5: error: include cycle: compose.yaml → other.yaml → compose.yaml (at include[0].path)\n")
        let selfInclude = try compile(["compose.yaml": Array("include: [compose.yaml]\nservices: {}\n".utf8)])
        XCTAssertEqual(
            refusal(selfInclude),
            "DIR/compose.yaml:1:11: error: include cycle: compose.yaml → compose.yaml (at include[0].path)\n")
    }

    /// Long chains used to recurse once per link: 9,000 services each extending (or depending on) the
    /// next overflowed the stack. Extends and include chains are capped at 64; depends_on is walked
    /// without recursion.
    func testLongChains() throws {
        func chain(_ count: Int, _ link: (Int) -> String) -> String {
            "services:\n"
                + (0..<count).map { "  s\($0):\n    image: nginx\n" + ($0 < count - 1 ? link($0 + 1) : "") }.joined()
        }
        XCTAssertEqual(
            try refusal(chain(100) { "    extends: s\($0)\n" }),
            "DIR/compose.yaml:196:14: error: extends goes through more than 64 services (from 's0')"
                + " (at services.s64.extends)\n")
        let dependencies = try compile(chain(3_000) { "    depends_on: [s\($0)]\n" })
        XCTAssertEqual(dependencies.status, 0, String(dependencies.standardError.prefix(1000)))
        var files: [String: [UInt8]] = ["f70.yaml": Array("services: {}\n".utf8)]
        for index in 0..<70 {
            let name = index == 0 ? "compose.yaml" : "f\(index).yaml"
            files[name] = Array("include: [f\(index + 1).yaml]\nservices:\n  s\(index):\n    image: nginx\n".utf8)
        }
        XCTAssertEqual(
            refusal(try compile(files)),
            "DIR/f63.yaml:1:11: error: include nests more than 64 files deep (at include[0].path)\n")
    }

    // MARK: - Paths escaping the project directory

    /// `..` in include, extends, env_file and bind mounts is allowed, as in compose, and always
    /// resolved: the plan shows absolute paths with no `..` left.
    func testDotDotPathsResolveToAbsolutePaths() throws {
        let result = try compile([
            "app/compose.yaml": Array(
                ("include:\n  - ../shared/included.yaml\nservices:\n  web:\n    image: nginx\n"
                    + "    env_file: ../shared/app.env\n    extends:\n      file: ../shared/base.yaml\n"
                    + "      service: base\n    volumes:\n      - ../shared/data:/data\n").utf8),
            "shared/included.yaml": Array("services:\n  other:\n    image: busybox\n".utf8),
            "shared/base.yaml": Array("services:\n  base:\n    image: redis\n    environment: [FROM_BASE=1]\n".utf8),
            "shared/app.env": Array("FROM_ENV_FILE=2\n".utf8),
            "shared/data/.keep": [],
        ])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertFalse(result.standardOutput.contains(".."), "no unresolved '..' in the plan")
        let plan = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let source = try XCTUnwrap(plan["source"] as? [String: Any])
        let files = try XCTUnwrap(source["files"] as? [[String: Any]]).compactMap { $0["path"] as? String }
        XCTAssertEqual(
            files, ["DIR/app/compose.yaml", "DIR/shared/included.yaml", "DIR/shared/base.yaml", "DIR/shared/app.env"])
        let instances = try XCTUnwrap(plan["instances"] as? [String: [String: Any]])
        let web = try XCTUnwrap(instances["web-1"])
        let config = try XCTUnwrap(web["config"] as? [String: String])
        XCTAssertEqual(config["environment.FROM_BASE"], "1")
        XCTAssertEqual(config["environment.FROM_ENV_FILE"], "2")
        let devices = try XCTUnwrap(web["devices"] as? [String: [String: String]])
        XCTAssertEqual(devices.values.first(where: { $0["path"] == "/data" })?["source"], "DIR/shared/data")
        XCTAssertNotNil(instances["other-1"])
    }

    /// A missing file behind `..` is reported by its resolved absolute path.
    func testDotDotPathErrorsShowAbsolutePaths() throws {
        let envFile = try compile([
            "app/compose.yaml": Array("services:\n  a:\n    image: nginx\n    env_file: ../nope/x.env\n".utf8)
        ])
        XCTAssertEqual(
            refusal(envFile),
            "DIR/app/compose.yaml:4:15: error: env file DIR/nope/x.env not found (at services.a.env_file[0])\n")
        let extends = try compile([
            "app/compose.yaml": Array(
                "services:\n  a:\n    image: nginx\n    extends: {file: ../nope/base.yaml, service: b}\n".utf8)
        ])
        XCTAssertEqual(
            refusal(extends),
            "DIR/app/compose.yaml:4:21: error: extends file DIR/nope/base.yaml does not exist"
                + " (at services.a.extends.file)\n")
        let include = try compile(["app/compose.yaml": Array("include: [../nope/other.yaml]\nservices: {}\n".utf8)])
        XCTAssertEqual(
            refusal(include),
            "DIR/app/compose.yaml:1:11: error: included file DIR/nope/other.yaml does not exist (at include[0].path)\n")
    }

    /// Devices named as files are refused at the entry that names them, without reading forever.
    func testDeviceFilesAreRefused() throws {
        XCTAssertEqual(
            try refusal("include: [/dev/zero]\nservices: {}\n"),
            "DIR/compose.yaml:1:11: error: cannot read file /dev/zero (at include[0].path)\n")
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    env_file: /dev/zero\n"),
            "DIR/compose.yaml:4:15: error: cannot read env file /dev/zero\n")
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    extends: {file: /dev/zero, service: a}\n"),
            "DIR/compose.yaml:4:21: error: cannot read file /dev/zero\n")
    }
}
