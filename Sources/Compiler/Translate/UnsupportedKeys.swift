/// Service keys that Incus cannot express: each one present gets a warning, never a silent drop.
enum UnsupportedKeys {
    static let reasons: [String: String] = [
        "build": "Incus cannot build images; the image: reference is used as it is",
        "cap_add": "Incus containers do not take per-container capability lists",
        "cap_drop": "Incus containers do not take per-container capability lists",
        "devices": "host devices need Incus unix-char/unix-block devices; add them in x-incus or a profile",
        "extra_hosts": "Incus has no per-instance hosts entries",
        "logging": "Incus keeps the console log itself",
        "stop_signal": "Incus stops containers through their init",
        "stop_grace_period": "Incus stops containers through their init",
        "init": "Incus containers run their own init",
        "ipc": "Incus has no shared IPC namespaces",
        "pid": "Incus has no shared PID namespaces",
        "security_opt": "Incus has no per-container security options of this form",
        "tty": "Incus consoles are always available",
        "stdin_open": "Incus consoles are always available",
    ]

    static func warn(_ service: ComposeService, context: inout TranslationContext) {
        for key in service.keys {
            guard let reason = reasons[key.value] else { continue }
            // A build-only service already has its own `build-not-supported` warning.
            if key.value == "build" && service.image == nil && service.incusImage == nil { continue }
            context.warn("unsupported-key", "'\(key.value)' is ignored: \(reason)", at: key.location)
        }
    }
}
