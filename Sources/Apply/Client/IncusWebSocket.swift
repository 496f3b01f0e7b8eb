import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// One websocket of an Incus operation (an exec's standard streams or its control channel), over the
/// same endpoint as the REST requests: the unix socket, or TLS with the remote's client certificate.
///
/// Incus sends a stream's bytes as binary messages and marks its end with an empty text message (a
/// "barrier"), keeping the socket open; it closes the socket when the operation is over. The
/// callbacks run on a SwiftNIO event loop thread: they must not block.
final class IncusWebSocket: @unchecked Sendable {
    /// Gets the bytes of each binary message, from the first on.
    let onData: (Data) -> Void
    private let channel: Channel
    private let ended = DispatchSemaphore(value: 0)
    private let endLock = NSLock()
    private var endSignalled = false

    private init(channel: Channel, onData: @escaping (Data) -> Void) {
        self.channel = channel
        self.onData = onData
    }

    /// Opens `path` (`/1.0/operations/ID/websocket?secret=…`) as a websocket on `endpoint`; `onData`
    /// gets what the server sends, from the first message on (Incus may start the command as soon as
    /// its last socket connects).
    static func connect(
        endpoint: IncusEndpoint, path: String, timeoutSeconds: Int = 10, onData: @escaping (Data) -> Void = { _ in }
    ) throws -> IncusWebSocket {
        let target = try WebSocketTarget(endpoint: endpoint)
        let tlsContext = try target.tls.map { try NIOSSLContext(configuration: $0) }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let upgrade = loop.makePromise(of: IncusWebSocket?.self)
        // A server that accepts the connection but never answers the upgrade must not hang exec.
        let deadline = loop.scheduleTask(in: .seconds(Int64(timeoutSeconds))) {
            upgrade.fail(ChannelError.connectTimeout(.seconds(Int64(timeoutSeconds))))
        }
        defer { deadline.cancel() }
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(Int64(timeoutSeconds)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        let handler: NIOSSLClientHandler
                        if let pinned = target.pinnedCertificate {
                            // As the incus client: the server must present exactly the pinned certificate.
                            handler = try NIOSSLClientHandler(
                                context: tlsContext, serverHostname: nil,
                                customVerificationCallback: { presented, result in
                                    result.succeed(presented.first == pinned ? .certificateVerified : .failed)
                                })
                        } else {
                            handler = try NIOSSLClientHandler(
                                context: tlsContext, serverHostname: target.serverHostname)
                        }
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    try configureUpgrade(channel: channel, host: target.hostHeader, path: path, onData: onData)
                        .cascade(to: upgrade)
                }
            }
        // The path carries the stream's secret: messages name the request without it.
        let request = "GET websocket of an operation"
        var connected: Channel?
        do {
            switch target.address {
            case .unixSocket(let socketPath):
                connected = try bootstrap.connect(unixDomainSocketPath: socketPath).wait()
            case .host(let host, let port):
                connected = try bootstrap.connect(host: host, port: port).wait()
            }
            guard let socket = try upgrade.futureResult.wait() else {
                throw TransportError(
                    request: request, endpoint: endpoint.description, reason: "the server refused the websocket")
            }
            return socket
        } catch {
            upgrade.fail(error)
            connected?.close(promise: nil)
            if let error = error as? TransportError { throw error }
            throw TransportError(request: request, endpoint: endpoint.description, reason: "\(error)")
        }
    }

    private static func configureUpgrade(
        channel: Channel, host: String, path: String, onData: @escaping (Data) -> Void
    ) throws -> EventLoopFuture<IncusWebSocket?> {
        let upgrader = NIOTypedWebSocketClientUpgrader<IncusWebSocket?>(upgradePipelineHandler: { channel, _ in
            channel.eventLoop.makeCompletedFuture {
                let socket = IncusWebSocket(channel: channel, onData: onData)
                try channel.pipeline.syncOperations.addHandler(FrameHandler(socket: socket))
                return socket
            }
        })
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        headers.add(name: "Content-Length", value: "0")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        let configuration = NIOTypedHTTPClientUpgradeConfiguration<IncusWebSocket?>(
            upgradeRequestHead: head, upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture { nil }
            })
        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
            configuration: .init(upgradeConfiguration: configuration))
    }

    /// Sends bytes as one binary message; waits until they are written, which paces a fast reader.
    func send(_ data: Data) throws {
        var buffer = channel.allocator.buffer(capacity: data.count)
        buffer.writeBytes(data)
        try channel.writeAndFlush(Self.frame(.binary, buffer)).wait()
    }

    /// Sends a text message (the control channel's JSON commands).
    func send(text: String) throws {
        try channel.writeAndFlush(Self.frame(.text, channel.allocator.buffer(string: text))).wait()
    }

    /// Tells Incus that this stream has ended (standard input's end of file), keeping the socket open.
    func sendEndOfStream() throws {
        try channel.writeAndFlush(Self.frame(.text, channel.allocator.buffer(capacity: 0))).wait()
    }

    /// Waits until the stream has ended: a barrier, a close, or a lost connection.
    func waitForEnd() {
        ended.wait()
        ended.signal()
    }

    /// Closes the connection (a close frame, then the socket).
    func close() {
        let channel = channel
        channel.eventLoop.execute {
            guard channel.isActive else { return }
            var payload = channel.allocator.buffer(capacity: 2)
            payload.write(webSocketErrorCode: .normalClosure)
            channel.writeAndFlush(Self.frame(.connectionClose, payload)).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }

    fileprivate func signalEnd() {
        endLock.lock()
        defer { endLock.unlock() }
        guard !endSignalled else { return }
        endSignalled = true
        ended.signal()
    }

    /// A client frame: RFC 6455 requires clients to mask every frame.
    fileprivate static func frame(_ opcode: WebSocketOpcode, _ data: ByteBuffer) -> WebSocketFrame {
        WebSocketFrame(fin: true, opcode: opcode, maskKey: .random(), data: data)
    }
}

/// Reads frames: binary data to `onData`, a barrier or a close ends the stream, pings get pongs.
private final class FrameHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let socket: IncusWebSocket
    /// The opcode of the message a continuation frame continues.
    private var messageOpcode: WebSocketOpcode = .binary

    init(socket: IncusWebSocket) {
        self.socket = socket
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .binary:
            messageOpcode = .binary
            deliver(frame)
        case .continuation:
            if messageOpcode == .binary { deliver(frame) }
        case .text:
            // Incus's barrier is an empty text message; no other text arrives on these sockets.
            messageOpcode = .text
            socket.signalEnd()
        case .ping:
            context.writeAndFlush(wrapOutboundOut(IncusWebSocket.frame(.pong, frame.unmaskedData)), promise: nil)
        case .connectionClose:
            socket.signalEnd()
            var payload = context.channel.allocator.buffer(capacity: 2)
            payload.write(webSocketErrorCode: .normalClosure)
            context.writeAndFlush(wrapOutboundOut(IncusWebSocket.frame(.connectionClose, payload)), promise: nil)
            context.close(promise: nil)
        default:
            break
        }
    }

    private func deliver(_ frame: WebSocketFrame) {
        var bytes = frame.unmaskedData
        if let chunk = bytes.readBytes(length: bytes.readableBytes), !chunk.isEmpty { socket.onData(Data(chunk)) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        socket.signalEnd()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        socket.signalEnd()
        context.close(promise: nil)
    }
}

/// Where a websocket connects and how it authenticates, derived from the REST endpoint.
private struct WebSocketTarget {
    enum Address {
        case unixSocket(String)
        case host(String, Int)
    }

    var address: Address
    /// The HTTP Host header.
    var hostHeader: String
    /// TLS settings for an HTTPS remote; `nil` on the unix socket.
    var tls: TLSConfiguration?
    /// The name TLS checks the certificate against (and sends as SNI); `nil` for an address or a
    /// pinned certificate, which is trusted whatever its name (as the REST requests do).
    var serverHostname: String?
    /// The server certificate the client config pins (`servercerts/REMOTE.crt`).
    var pinnedCertificate: NIOSSLCertificate?

    init(endpoint: IncusEndpoint) throws {
        switch endpoint {
        case .unixSocket(let path):
            address = .unixSocket(path)
            hostHeader = "incus"
            tls = nil
            serverHostname = nil
            pinnedCertificate = nil
        case .https(let url, let certificate, let key, let serverCertificate):
            guard let components = URLComponents(string: url), let host = components.host else {
                throw TransportError(request: "websocket", endpoint: url, reason: "the remote's address is not a URL")
            }
            let port = components.port ?? 8443
            address = .host(host, port)
            hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            if let serverCertificate {
                pinnedCertificate = try NIOSSLCertificate.fromPEMFile(serverCertificate).first
                serverHostname = nil
            } else {
                pinnedCertificate = nil
                // An address is checked against the certificate's IP names; SNI takes names only.
                let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
                serverHostname = isAddress ? nil : host
            }
            tls = configuration
        }
    }
}
