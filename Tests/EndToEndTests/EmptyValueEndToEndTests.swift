import Apply
import Foundation
import Plan
import XCTest

/// Values set to the empty string: Incus keeps no empty config value, yet a variable set to "" must
/// reach the container set and empty, as docker sets it, and a re-apply must write nothing.
final class EmptyValueEndToEndTests: ComposeDirectoryTestCase {
    func testAnEmptyVariableIsSetAndEmptyAndReapplyWritesNothing() throws {
        try "FROM_DOTENV=\n".write(toFile: directory + "/.env", atomically: true, encoding: .utf8)
        let planPath = try compileServices(
            """
              web:
                image: busybox
                environment:
                  EMPTY: ""
                  FROM_DOTENV: ${FROM_DOTENV}
                  FULL: value
                labels:
                  com.example.empty: ""
                x-incus: {image: "local:compose-test"}
            """)
        applySucceeds(planPath)
        // What the container's first process was given (incus exec has an environment of its own).
        let environ = incus([
            "exec", "web-1", "--project", project, "--", "sh", "-c", "tr '\\0' '\\n' < /proc/1/environ",
        ])
        let variables = Set(environ.split(separator: "\n").map(String.init))
        XCTAssertTrue(variables.isSuperset(of: ["EMPTY=", "FROM_DOTENV=", "FULL=value"]), environ)

        reapplyWritesNothing(planPath)
    }
}
