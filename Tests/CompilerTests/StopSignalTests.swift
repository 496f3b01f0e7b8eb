import XCTest

@testable import Compiler

/// `stop_signal` in the forms docker accepts becomes LXC's name; anything else is refused.
final class StopSignalTests: XCTestCase {
    private func name(_ text: String) -> String? {
        try? StopSignal.name(Located(text, at: SourceLocation(file: "c.yaml", line: 1, column: 1)), path: "p")
    }

    func testDockerFormsBecomeLXCNames() {
        XCTAssertEqual(name("SIGTERM"), "SIGTERM")
        XCTAssertEqual(name("usr1"), "SIGUSR1")
        XCTAssertEqual(name("SigQuit"), "SIGQUIT")
        XCTAssertEqual(name("9"), "9")
        XCTAssertEqual(name("SIGRTMIN+3"), "SIGRTMIN+3")
        XCTAssertEqual(name("RTMAX-2"), "SIGRTMAX-2")
    }

    func testOtherFormsAreRefused() {
        for text in ["", "+9", "0", "65", "SIGTREM", "RTMIN++3", "RTMIN-1", "RTMAX+1", "SIG", "RTMIN+99"] {
            XCTAssertNil(name(text), text)
        }
    }
}
