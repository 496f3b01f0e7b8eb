import Foundation
import Plan

/// `--check-source`: the compose inputs a plan records must still have the digests it recorded.
public enum SourceCheck {
    /// Throws `ApplyError.sourceChanged` naming every changed or missing file; sends no request.
    public static func verify(_ source: PlanSource) throws {
        var problems: [String] = []
        // A compose file read from standard input (`-f -`) has no file to check again.
        for file in source.files where file.path != "-" {
            guard let data = FileManager.default.contents(atPath: file.path) else {
                problems.append("\(file.path) is missing")
                continue
            }
            let digest = SHA256.hexDigest([UInt8](data))
            if digest != file.sha256.lowercased() {
                problems.append("\(file.path) changed (sha256 \(digest), the plan has \(file.sha256))")
            }
        }
        if !problems.isEmpty { throw ApplyError.sourceChanged(files: problems) }
    }
}
