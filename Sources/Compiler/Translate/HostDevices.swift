/// `devices` as Incus `unix-char` and `unix-block` devices: the host node `source` appears as
/// `target` in the container.
///
/// The plan is the same on every machine, so whether a node is a character or a block device is
/// known from its name (`/dev/sda`, `/dev/nvme0n1`, `/dev/loop0` are block devices; `/dev/fuse`,
/// `/dev/net/tun`, `/dev/ttyUSB0` character devices); a name of neither kind is taken as a character
/// device with a `device-type` warning, and apply checks the node on a local server before any
/// change. Differences from docker, each with a warning or documented:
/// - `/dev/dri` becomes a `gpu` device (every GPU's nodes); other directories cannot be given as one
///   Incus device (`unsupported-device`).
/// - Incus makes the node mode 0660, owned by root, where docker copies the host's mode: the nodes
///   any user may open on a host (`/dev/fuse`, `/dev/net/tun`, …) get 0666 as there.
/// - Incus always allows read, write and mknod: narrower permissions give `device-permissions`.
/// - CDI names (`vendor.com/class=name`): `nvidia.com/gpu=all` is every GPU with NVIDIA's runtime,
///   as `gpus: all` with the nvidia driver; other CDI devices have no Incus form.
enum HostDevices {
    static func translate(
        _ service: ComposeService, config: inout [String: String], namer: inout DeviceNamer,
        context: inout TranslationContext
    ) -> [String: [String: String]] {
        var devices: [String: [String: String]] = [:]
        var everyGPU = false
        for mapping in service.devices {
            if isCDIName(mapping.source) {
                guard mapping.source == "nvidia.com/gpu=all" else {
                    context.warn(
                        "unsupported-device",
                        "device '\(mapping.source)' is not given: Incus has no CDI devices (only nvidia.com/gpu=all"
                            + " maps, to a gpu device)", at: mapping.location)
                    continue
                }
                config["nvidia.runtime"] = "true"
                everyGPU = true
                continue
            }
            guard mapping.source.hasPrefix("/dev/"), mapping.target.hasPrefix("/") else {
                context.warn(
                    "unsupported-device",
                    "device '\(mapping.source)' is not given: Incus gives device nodes under /dev to an absolute"
                        + " path in the container", at: mapping.location)
                continue
            }
            let source = trimmed(mapping.source)
            if source == "/dev/dri" && trimmed(mapping.target) == "/dev/dri" {
                everyGPU = true
                continue
            }
            if directories.contains(source) || source.hasPrefix("/dev/disk/") && source.split(separator: "/").count < 4
            {
                context.warn(
                    "unsupported-device",
                    "device '\(source)' is a directory: Incus gives one node per device, so list its nodes"
                        + " (\(source)/…) one by one", at: mapping.location)
                continue
            }
            let kind = kind(of: source)
            if kind == nil {
                context.warn(
                    "device-type",
                    "'\(source)' is taken to be a character device (unix-char): its name is not one of a block"
                        + " device; apply checks it on a local server before any change. If it is a block device,"
                        + " name it by its /dev/disk/by-id/ (or by-path) link, which is given as one",
                    at: mapping.location)
            }
            let permissions = Set(mapping.permissions)
            if permissions != ["r", "w", "m"] {
                context.warn(
                    "device-permissions",
                    "device '\(source)' gets read, write and mknod access: Incus does not narrow a device to"
                        + " '\(mapping.permissions)'", at: mapping.location)
            }
            var device = ["type": kind ?? "unix-char", "source": source, "path": trimmed(mapping.target)]
            if openToEveryone.contains(source) { device["mode"] = "0666" }
            // Named after where it appears, as mounts are: /dev/net/tun → dev-net-tun.
            let name = trimmed(mapping.target).split(separator: "/").joined(separator: "-")
            devices[namer.name(name.isEmpty ? "device" : name)] = device
        }
        if everyGPU { devices[namer.name("gpu")] = GPUDevices.everyGPU }
        return devices
    }

    /// `vendor.com/class=name`, the Container Device Interface's fully qualified names.
    private static func isCDIName(_ source: String) -> Bool {
        !source.hasPrefix("/") && source.contains("/") && source.contains("=")
    }

    private static func trimmed(_ path: String) -> String {
        var path = path
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// `unix-block` or `unix-char` for a node whose kind its name tells, `nil` otherwise.
    static func kind(of source: String) -> String? {
        let name = Array(source.dropFirst("/dev/".count))
        // The one character device among the block devices' names.
        if name == Array("mapper/control") { return "unix-char" }
        if blockNames.contains(where: { matches(name[...], Array($0)[...]) }) { return "unix-block" }
        if characterNames.contains(where: { matches(name[...], Array($0)[...]) }) { return "unix-char" }
        return nil
    }

    /// A glob of device names: `#` is one or more digits, `*` one or more characters of any kind.
    private static func matches(_ name: ArraySlice<Character>, _ pattern: ArraySlice<Character>) -> Bool {
        guard let first = pattern.first else { return name.isEmpty }
        let rest = pattern.dropFirst()
        switch first {
        case "#", "*":
            var taken = name.startIndex
            while taken < name.endIndex && (first == "*" || name[taken].isASCII && name[taken].isNumber) {
                taken += 1
                if matches(name[taken...], rest) { return true }
            }
            return false
        default:
            return name.first == first && matches(name.dropFirst(), rest)
        }
    }

    /// Disks, partitions, loop, mapper, RAID and network block devices.
    private static let blockNames = [
        "sd*", "hd*", "vd*", "xvd*", "nvme#n#", "nvme#n#p#", "mmcblk#", "mmcblk#p#", "loop#", "loop#p#", "md#",
        "md#p#", "md/*", "dm-#", "mapper/*", "nbd#", "nbd#p#", "zd#", "sr#", "rbd#", "ram#", "zram#", "bcache#",
        "drbd#", "disk/*", "pmem#", "ublkb#",
    ]

    /// Character devices containers are given in compose projects.
    private static let characterNames = [
        "fuse", "net/tun", "kvm", "vhost-net", "vhost-vsock", "null", "zero", "full", "random", "urandom", "tty",
        "tty*", "console", "ptmx", "ppp", "uinput", "uhid", "hwrng", "mem", "kmsg", "snd/*", "dri/*", "video#",
        "media#", "vchiq", "vcsm*", "gpiomem", "gpiochip#", "i2c-#", "spidev*", "hidraw#", "input/*", "bus/usb/*",
        "nvidia*", "mali#", "apex_#", "accel/*", "dvb/*", "cec#", "rtc", "rtc#", "watchdog", "watchdog#", "tpm#",
        "tpmrm#", "sg#", "nvme#", "vfio/*", "loop-control", "serial/*", "cuse", "lirc#", "rfkill", "userfaultfd",
        "net/*", "vga_arbiter", "ipmi#",
    ]

    /// Directories docker expands into their nodes.
    private static let directories: Set<String> = [
        "/dev/snd", "/dev/input", "/dev/bus/usb", "/dev/dvb", "/dev/vfio", "/dev/serial", "/dev/serial/by-id",
        "/dev/serial/by-path", "/dev/net", "/dev/mapper", "/dev/disk", "/dev/accel", "/dev/bus", "/dev/dri", "/dev",
    ]

    /// Nodes a host lets every user open (mode 0666), as docker's copy of their mode does.
    private static let openToEveryone: Set<String> = [
        "/dev/fuse", "/dev/net/tun", "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
        "/dev/ptmx", "/dev/vhost-net", "/dev/uinput", "/dev/userfaultfd",
    ]
}
