import Foundation
import XCTest

/// Inputs built to break a parser: each is refused by the real `compose-compile` with exit status 1, one
/// `file:line:column: error: …` line and no plan, within bounded time and memory; or, where compose
/// allows it, accepted with its paths resolved.
final class HostileInputTests: XCTestCase {
    /// What a measured run of the compiler gave.
    struct Measured {
        var status: Int32
        var standardOutput: String
        /// Standard error with the project directory replaced by `DIR`.
        var standardError: String
        var seconds: Double
        /// Peak resident set size of the child, from its own `wait4` rusage.
        var peakMegabytes: Double
    }

    /// Writes `files` into a fresh project and compiles its compose.yaml, measuring the child.
    func compile(_ files: [String: [UInt8]], arguments: [String] = []) throws -> Measured {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "compose-hostile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (path, contents) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents).write(to: url)
        }
        let compose = directory.appendingPathComponent(files["app/compose.yaml"] != nil ? "app" : "")
            .appendingPathComponent("compose.yaml").path
        var result = try Self.runMeasured(
            TestSupport.compileBinary.path, ["-f", compose] + arguments, in: directory.path)
        result.standardError = result.standardError.replacingOccurrences(of: directory.path, with: "DIR")
        result.standardOutput = result.standardOutput.replacingOccurrences(of: directory.path, with: "DIR")
        return result
    }

    func compile(_ yaml: String) throws -> Measured {
        try compile(["compose.yaml": Array(yaml.utf8)])
    }

    /// Asserts the compile failed the way every bad input must, and returns its one error line.
    func refusal(
        _ result: Measured, file: StaticString = #filePath, line: UInt = #line
    ) -> String {
        XCTAssertEqual(
            result.status, 1, "exit status; stderr: \(result.standardError.prefix(2000))", file: file, line: line)
        XCTAssertEqual(result.standardOutput, "", "no plan on bad input", file: file, line: line)
        return result.standardError
    }

    func refusal(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        refusal(try compile(yaml), file: file, line: line)
    }

    // MARK: - Malformed YAML

    func testTruncatedYAML() throws {
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: \"ngi"),
            "DIR/compose.yaml:3:16: error: invalid YAML: found unexpected end of stream while scanning a quoted scalar\n"
        )
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    ports: [\"80:80\", "),
            "DIR/compose.yaml:5:1: error: invalid YAML: did not find expected node content while parsing a flow node\n"
        )
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    environment:\n      A: &"),
            "DIR/compose.yaml:5:11: error: invalid YAML: did not find expected alphabetic or numeric character"
                + " while scanning an anchor\n")
    }

    func testTabIndentation() throws {
        XCTAssertEqual(
            try refusal("services:\n\tweb:\n\t\timage: nginx\n"),
            "DIR/compose.yaml:2:1: error: invalid YAML: found character that cannot start any token"
                + " while scanning for the next token\n")
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n\tports: [\"80:80\"]\n"),
            "DIR/compose.yaml:4:1: error: invalid YAML: found a tab character that violates indentation"
                + " while scanning a plain scalar\n")
    }

    func testDuplicateKeys() throws {
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    image: redis\n"),
            "DIR/compose.yaml:4:5: error: key 'image' is defined twice in this mapping\n")
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\nservices:\n  db:\n    image: redis\n"),
            "DIR/compose.yaml:4:1: error: key 'services' is defined twice in this mapping\n")
        XCTAssertEqual(
            try refusal("services:\n  web:\n    image: nginx\n    environment: {A: 1, A: 2}\n"),
            "DIR/compose.yaml:4:25: error: key 'A' is defined twice in this mapping\n")
    }

    func testNonUTF8Bytes() throws {
        // Each error points at the offending byte: column 14 is the first byte after "image: ng".
        let invalid: [(bytes: [UInt8], message: String)] = [
            ([0xFF], "3:14: error: invalid YAML: invalid leading UTF-8 octet (byte 0xFF)"),
            ([0xC3, 0x28], "3:15: error: invalid YAML: invalid trailing UTF-8 octet (byte 0x28)"),
            ([0xED, 0xA0, 0x80], "3:14: error: invalid YAML: invalid Unicode character (byte 0xD800)"),
            ([0xC0, 0xAF], "3:14: error: invalid YAML: invalid length of a UTF-8 sequence"),
        ]
        for (bytes, message) in invalid {
            let yaml = Array("services:\n  web:\n    image: ng".utf8) + bytes + Array("inx\n".utf8)
            XCTAssertEqual(refusal(try compile(["compose.yaml": yaml])), "DIR/compose.yaml:\(message)\n", "\(bytes)")
        }
        let truncated = Array("services:\n  web:\n    image: ng".utf8) + [0xE2, 0x82]
        XCTAssertEqual(
            refusal(try compile(["compose.yaml": truncated])),
            "DIR/compose.yaml:3:14: error: invalid YAML: incomplete UTF-8 octet sequence\n")
    }

    func testNULByte() throws {
        let yaml = Array("services:\n  web:\n    image: ng".utf8) + [0] + Array("inx\n".utf8)
        XCTAssertEqual(
            refusal(try compile(["compose.yaml": yaml])),
            "DIR/compose.yaml:3:14: error: invalid YAML: control characters are not allowed (byte 0x00)\n")
    }

    // MARK: - Resource bombs

    func testTenThousandDeepNesting() throws {
        let flow = try compile(
            "services:\n  web:\n    image: nginx\n    labels:\n      a: "
                + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n")
        XCTAssertEqual(refusal(flow), "DIR/compose.yaml:5:262: error: YAML nesting is deeper than 256 levels\n")
        XCTAssertLessThan(flow.seconds, 2)
        let block = try compile("x-deep:\n" + String(repeating: "- ", count: 10_000) + "x\nservices: {}\n")
        XCTAssertEqual(refusal(block), "DIR/compose.yaml:2:511: error: YAML nesting is deeper than 256 levels\n")
        XCTAssertLessThan(block.seconds, 2)
    }

    /// Aliases to deep anchors inside deep anchors nest deeper than any one of them: the depth limit
    /// applies to the expanded tree, so later stages never recurse deeper than 256 levels.
    func testNestingThroughAliases() throws {
        let deep = String(repeating: "[", count: 200) + "x" + String(repeating: "]", count: 200)
        let result = try compile(
            "x-a: &a \(deep)\nx-b: &b " + String(repeating: "[", count: 100) + "*a"
                + String(repeating: "]", count: 100) + "\nservices: {}\n")
        XCTAssertEqual(refusal(result), "DIR/compose.yaml:2:109: error: YAML nesting is deeper than 256 levels\n")
    }

    /// A long list is read in linear time (it used to be copied on every append), and a document
    /// beyond the node budget is refused with a message that says so.
    func testLargeDocuments() throws {
        let items = Array(repeating: "1", count: 50_000).joined(separator: ",")
        let large = try compile("x-big: [\(items)]\nservices:\n  web:\n    image: nginx\n")
        XCTAssertEqual(large.status, 0, large.standardError)
        XCTAssertLessThan(large.seconds, 20)
        let tooLarge = try compile(
            "x-big: [" + Array(repeating: items, count: 21).joined(separator: ",")
                + "]\nservices:\n  web:\n    image: nginx\n")
        XCTAssertEqual(
            refusal(tooLarge),
            "DIR/compose.yaml:1:2000007: error: the YAML document holds more than 1000000 nodes (each KiB of text"
                + " counting as one); compose files this large are refused\n")
        XCTAssertLessThan(tooLarge.seconds, 2)
    }

    /// `${A:-` 100,000 times in one value: each level copied the rest of the string and recursed, so
    /// this crashed with a stack overflow after eight minutes and 14 GB. Nesting is now capped at 16.
    func testDeeplyNestedInterpolation() throws {
        let nested = String(repeating: "${A:-", count: 100_000) + "x" + String(repeating: "}", count: 100_000)
        let result = try compile("services:\n  web:\n    image: nginx\n    environment:\n      A: \"\(nested)\"\n")
        XCTAssertEqual(
            refusal(result),
            "DIR/compose.yaml:5:10: error: interpolation nests ${...} more than 16 levels deep"
                + " (at services.web.environment.A)\n")
        XCTAssertLessThan(result.seconds, 10)
        XCTAssertLessThan(result.peakMegabytes, 500)
        let sixteen = String(repeating: "${A:-", count: 16) + "x" + String(repeating: "}", count: 16)
        let accepted = try compile("services:\n  web:\n    image: nginx\n    environment:\n      A: \"\(sixteen)\"\n")
        XCTAssertEqual(accepted.status, 0, accepted.standardError)
        XCTAssertTrue(accepted.standardOutput.contains("\"environment.A\": \"x\""))
    }

    /// Nine levels of ten aliases each: 10⁹ nodes once expanded, from a file of under 1 KB. The parser
    /// counts expanded nodes as it goes and stops at the sixth level, where the count passes 1,000,000.
    func testBillionLaughs() throws {
        var yaml =
            "x-a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            yaml +=
                "x-\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        yaml += "services:\n  web:\n    image: nginx\n    labels:\n      lol: *i\n"
        let result = try compile(yaml)
        XCTAssertEqual(
            refusal(result),
            "DIR/compose.yaml:6:46: error: YAML aliases expand to more than 1000000 nodes;"
                + " refusing a possible alias bomb\n")
        XCTAssertLessThan(result.seconds, 2, "refused quickly")
        XCTAssertLessThan(result.peakMegabytes, 200, "bounded memory")
    }

    /// One scalar of 50 MB: refused before anything walks it, quickly and without holding many copies.
    func testFiftyMegabyteScalar() throws {
        let yaml =
            "services:\n  web:\n    image: nginx\n    labels:\n      a: "
            + String(repeating: "x", count: 50_000_000) + "\n"
        let result = try compile(yaml)
        XCTAssertEqual(
            refusal(result),
            "DIR/compose.yaml:5:10: error: a scalar of 50000000 bytes is larger than the 1048576 bytes a compose"
                + " value may hold\n")
        XCTAssertLessThan(result.seconds, 5, "bounded time")
        XCTAssertLessThan(result.peakMegabytes, 500, "bounded memory")
    }

    /// Found by fuzzing (a 10 s timeout): `922-19229` expands to 18,308 bindings, each one a proxy device
    /// or a warning; a few `1-65535` lines took minutes. Bindings are now capped per project.
    func testPortRangeExpansionIsBounded() throws {
        let result = try compile(
            "services:\n  web:\n    image: nginx\n    ports:\n      - 1-65535\n      - \"1-65535:1-65535/udp\"\n")
        XCTAssertEqual(
            refusal(result),
            "DIR/compose.yaml:6:9: error: ports expand to more than 65536 bindings in this project (each published port"
                + " becomes an Incus proxy device); publish fewer ports (at services.web.ports[1])\n")
        XCTAssertLessThan(result.seconds, 5)
        let withinLimit = try compile("services:\n  web:\n    image: nginx\n    ports: [\"8000-8999:8000-8999\"]\n")
        XCTAssertEqual(withinLimit.status, 0, withinLimit.standardError)
    }

    /// Every input a fuzz target ever failed on, kept in fuzz/regressions/compile: each now compiles
    /// or is refused with one positioned error, in bounded time.
    func testFuzzRegressionInputs() throws {
        let folder = TestSupport.repositoryRoot.appendingPathComponent("fuzz/regressions/compile")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertFalse(names.isEmpty)
        for name in names {
            let bytes = try Data(contentsOf: folder.appendingPathComponent(name))
            let result = try compile(["compose.yaml": Array(bytes), "common.yaml": Array("services: {}\n".utf8)])
            XCTAssertTrue([0, 1].contains(result.status), "\(name): exit \(result.status)")
            XCTAssertLessThan(result.seconds, 10, name)
            if result.status == 1 {
                let lines = result.standardError.split(separator: "\n")
                XCTAssertEqual(lines.count, 1, "\(name): \(result.standardError)")
                XCTAssertNotNil(
                    lines.first?.range(of: #"^DIR/[^:]+:[0-9]+:[0-9]+: error: "#, options: .regularExpression),
                    "\(name): \(result.standardError)")
            }
        }
    }

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

    // MARK: - Running the compiler with its resource use

    /// Runs `executable` with standard output and error in files, reaping it with `wait4` to read its
    /// own peak RSS (Foundation's `Process` reaps children itself and hides their rusage).
    static func runMeasured(_ executable: String, _ arguments: [String], in directory: String) throws -> Measured {
        let outputPath = directory + "/.stdout"
        let errorPath = directory + "/.stderr"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let started = Date()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
        let seconds = Date().timeIntervalSince(started)
        // WIFEXITED / WEXITSTATUS: a signal leaves the low 7 bits non-zero.
        let exitStatus: Int32 = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Measured(
            status: exitStatus,
            standardOutput: String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self),
            standardError: String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self),
            seconds: seconds, peakMegabytes: Double(usage.ru_maxrss) / 1024)
    }
}
