import Apply
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The local terminal an interactive `exec` runs in: its size, raw mode while the command runs,
/// and the signals that reach the command.
enum Terminal {
    /// Whether standard input and standard output are both a terminal.
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    /// The size of the terminal on standard output, or 80×24 when it tells none.
    static var size: TerminalSize {
        var window = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else {
            return TerminalSize(columns: 80, rows: 24)
        }
        return TerminalSize(columns: Int(window.ws_col), rows: Int(window.ws_row))
    }

    /// Runs `body` with standard input in raw mode, so that every key (Ctrl-C included) goes to the
    /// remote terminal, and restores the previous mode afterwards.
    static func withRawInput<Result>(_ body: () throws -> Result) rethrows -> Result {
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return try body() }
        var raw = saved
        cfmakeraw(&raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        return try body()
    }

    /// Keeps `handler` called for each of `signals` until the returned sources are cancelled;
    /// the default action of those signals is off meanwhile.
    static func observe(_ signals: [Int32], handler: @escaping (Int32) -> Void) -> [DispatchSourceSignal] {
        signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    /// Reads what standard input has, blocking until something comes; `nil` at its end.
    static func readInput() -> Data? {
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = read(STDIN_FILENO, &buffer, buffer.count)
            if count > 0 { return Data(buffer[0..<count]) }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }
}
