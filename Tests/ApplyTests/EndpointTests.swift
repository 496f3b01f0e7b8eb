import XCTest

@testable import Apply

final class EndpointTests: XCTestCase {
    func testSocketPrecedence() {
        XCTAssertEqual(IncusEndpoint.defaultSocket(explicit: "/a", environment: ["INCUS_SOCKET": "/b"]), "/a")
        XCTAssertEqual(
            IncusEndpoint.defaultSocket(explicit: nil, environment: ["INCUS_SOCKET": "/b", "INCUS_DIR": "/d"]), "/b")
        XCTAssertEqual(IncusEndpoint.defaultSocket(explicit: nil, environment: ["INCUS_DIR": "/d"]), "/d/unix.socket")
        XCTAssertEqual(IncusEndpoint.defaultSocket(explicit: nil, environment: [:]), "/var/lib/incus/unix.socket")
    }
}
