/// `gpus` and the GPU entries of `deploy.resources.reservations.devices` as Incus `gpu` devices
/// (`gputype: physical`): docker's `--gpus` requests.
///
/// - `count: all` (and `gpus: all`): one device without an id, which gives the container every GPU.
/// - `device_ids`: one device per id; a number is the GPU's DRM card id (`id`), a PCI address
///   (`0000:01:00.0`) its `pci`. Other ids (NVIDIA's `GPU-…` UUIDs) have no Incus form: warning.
/// - `count: N`: Incus cannot give "N of the GPUs", so the container gets all of them, with a warning
///   to name them with `device_ids`.
/// - `driver: nvidia` sets `nvidia.runtime` (NVIDIA's user-space libraries in the container, as the
///   NVIDIA container toolkit does for docker), with the capabilities other than `gpu` as
///   `nvidia.driver.capabilities`.
/// - A request whose capabilities do not include `gpu` is for another kind of device: warning.
enum GPUDevices {
    /// A gpu device without an id or PCI address: every GPU of the host.
    static let everyGPU = ["type": "gpu", "gputype": "physical"]

    static func translate(
        _ service: ComposeService, config: inout [String: String], namer: inout DeviceNamer,
        context: inout TranslationContext
    ) -> [String: [String: String]] {
        var devices: [String: [String: String]] = [:]
        var driverCapabilities: [String] = []
        for request in service.deviceRequests {
            guard request.capabilities.isEmpty || request.capabilities.contains("gpu") else {
                context.warn(
                    "unsupported-key",
                    "device request \(request.path) is ignored: Incus maps GPU requests (capabilities: [gpu]) only,"
                        + " not [\(request.capabilities.joined(separator: ", "))]", at: request.location)
                continue
            }
            if request.driver == "nvidia" {
                config["nvidia.runtime"] = "true"
                for capability in request.capabilities where capability != "gpu" && capability != "nvidia" {
                    if !driverCapabilities.contains(capability) { driverCapabilities.append(capability) }
                }
            }
            guard !request.deviceIDs.isEmpty else {
                // The loader writes docker's -1 for `all`.
                if let count = request.count, count != "all", count != "-1" {
                    context.warn(
                        "gpu-count",
                        "\(request.path) asks for \(count) GPU(s): an Incus gpu device without an id gives every GPU"
                            + " of the host, so the container gets all of them; name them with device_ids to give fewer",
                        at: request.location)
                }
                // One device without an id already gives every GPU.
                if !devices.values.contains(everyGPU) { devices[namer.name("gpu")] = everyGPU }
                continue
            }
            for identifier in request.deviceIDs {
                guard let selector = selector(identifier) else {
                    context.warn(
                        "gpu-device-id",
                        "GPU '\(identifier)' of \(request.path) is not given: Incus selects a GPU by its DRM card id"
                            + " (0, 1, …) or PCI address (0000:01:00.0), not by this id", at: request.location)
                    continue
                }
                devices[namer.name("gpu-" + identifier)] = [
                    "type": "gpu", "gputype": "physical", selector.key: identifier,
                ]
            }
        }
        if !driverCapabilities.isEmpty {
            config["nvidia.driver.capabilities"] = driverCapabilities.joined(separator: ",")
        }
        return devices
    }

    /// The gpu device key that selects `identifier`: `id` for a DRM card number, `pci` for a PCI
    /// address; `nil` for anything else.
    private static func selector(_ identifier: String) -> (key: String, value: String)? {
        if !identifier.isEmpty && identifier.allSatisfy({ $0.isASCII && $0.isNumber }) { return ("id", identifier) }
        // DDDD:BB:DD.F, or BB:DD.F with the domain left out.
        let parts = identifier.split(separator: ":", omittingEmptySubsequences: false)
        let hex = { (text: Substring) in !text.isEmpty && text.allSatisfy(\.isHexDigit) }
        guard parts.count == 2 || parts.count == 3, let last = parts.last else { return nil }
        let function = last.split(separator: ".", omittingEmptySubsequences: false)
        guard function.count == 2, parts.dropLast().allSatisfy(hex), function.allSatisfy(hex) else { return nil }
        return ("pci", identifier)
    }
}
