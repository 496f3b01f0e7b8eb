import Compiler
import Foundation
import Plan

/// libFuzzer target: arbitrary bytes as a project's compose.yaml, through the whole compile pipeline
/// and through `config`'s loading.
///
/// The bytes go to `compose.yaml` in a per-process project directory that also holds a small
/// `common.yaml` and `.env`, so `extends: {file: common.yaml}`, `include:` and `env_file:` have
/// something to find. Any crash is a bug; so is an error that is not a `CompileError` pointing into
/// a file, because the command line prints exactly that error to the user.
private let projectDirectory: String = {
    // scripts/fuzz.sh points COMPOSE_FUZZ_DIR at /dev/shm when it can (a file write per execution
    // is the largest cost otherwise) and removes it afterwards.
    let base = ProcessInfo.processInfo.environment["COMPOSE_FUZZ_DIR"] ?? NSTemporaryDirectory()
    let directory = base + "/compose-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let common = "services:\n  base:\n    image: nginx\n    ports: [\"8080:80\"]\n    environment: [A=1]\n"
    _ = FileManager.default.createFile(atPath: directory + "/common.yaml", contents: Data(common.utf8))
    _ = FileManager.default.createFile(atPath: directory + "/.env", contents: Data("TAG=1.2\nPORT=8080\n".utf8))
    return directory
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCompile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let file = projectDirectory + "/compose.yaml"
    do {
        try Data(bytes: data, count: size).write(to: URL(fileURLWithPath: file))
    } catch {
        fatalError("cannot write \(file): \(error)")
    }
    var options = CompileOptions(workingDirectory: projectDirectory)
    options.files = ["compose.yaml"]
    options.environment = ["HOME": projectDirectory, "USER": "fuzz"]
    // `compose-compile` (the plan) and `compose-compile config` (the normalized model) load differently:
    // config mode is lenient about short syntax it cannot parse. Both must hold up.
    check { _ = PlanEmitter.emit(try Compiler.compile(options).plan) }
    check { _ = JanssonCoding.encode(try ComposeModel.load(options).configJSON) }
    return 0
}

/// Runs one pipeline: it may succeed or throw a `CompileError` that points into a file, nothing else.
private func check(_ body: () throws -> Void) {
    do {
        try body()
    } catch let error as CompileError {
        // Bad input must be reported at a position in a file, like the command line prints it.
        guard error.location != nil else { fatalError("compile error without a position: \(error)") }
    } catch {
        fatalError("threw \(type(of: error)), not a CompileError: \(error)")
    }
}
