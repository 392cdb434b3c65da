import Foundation
import Vapor

/// The folder that holds `Resources/` (Leaf templates, `openapi.yaml`) and `Public/`, so that the
/// server works whatever folder a service manager starts it from: `GIAOBAN_HOME` when set,
/// otherwise the folder of the executable (an unpacked release package), otherwise the working
/// directory (a checkout, `swift run`). Without the templates the server refuses to start: it
/// would otherwise be "healthy" and answer 500 on every page.
public enum AppHome {
    /// A file every installation has; its absence means the folder is not a GiaoBan home.
    static let marker = "Resources/Views/error.leaf"

    public struct Missing: Error, CustomStringConvertible, Sendable {
        /// The folders looked in, in order.
        public let searched: [String]
        public let fromSetting: Bool

        public var description: String {
            let folders = searched.map { "  " + $0 }.joined(separator: "\n")
            let how = fromSetting ? "GIAOBAN_HOME" : "GIAOBAN_HOME unset: the executable's folder, then the working directory"
            return """
            Không tìm thấy mẫu trang (\(AppHome.marker)) trong / templates not found (\(AppHome.marker)) in:
            \(folders)
            (\(how)). Đặt GIAOBAN_HOME là thư mục chứa Resources/ và Public/ / set GIAOBAN_HOME to the folder holding Resources/ and Public/.
            """
        }
    }

    /// Where to look, in order: the setting alone when given, otherwise the executable's folder
    /// and the working directory. Paths end with `/`.
    public static func candidates(setting: String?, executable: String?, workingDirectory: String) -> [String] {
        if let setting, !setting.isEmpty { return [folder(setting, relativeTo: workingDirectory)] }
        var folders: [String] = []
        if let executable, !executable.isEmpty {
            folders.append(folder((folder(executable, relativeTo: workingDirectory) as NSString).deletingLastPathComponent,
                                  relativeTo: workingDirectory))
        }
        let cwd = folder(workingDirectory, relativeTo: "/")
        if !folders.contains(cwd) { folders.append(cwd) }
        return folders
    }

    /// The first candidate that holds the templates, or `Missing` naming every folder looked in.
    public static func locate(setting: String?, executable: String?, workingDirectory: String,
                              fileManager: FileManager = .default) throws -> String {
        let folders = candidates(setting: setting, executable: executable, workingDirectory: workingDirectory)
        if let found = folders.first(where: { fileManager.fileExists(atPath: $0 + marker) }) { return found }
        throw Missing(searched: folders, fromSetting: setting.map { !$0.isEmpty } ?? false)
    }

    /// The running executable, symbolic links resolved (`/proc/self/exe` on Linux).
    public static var currentExecutable: String? {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return target }
        return Bundle.main.executableURL?.resolvingSymlinksInPath().path ?? CommandLine.arguments.first
    }

    /// Vapor's folder layout rooted at `home` (views in `Resources/Views`, files in `Public`).
    static func directory(_ home: String) -> DirectoryConfiguration {
        DirectoryConfiguration(workingDirectory: home)
    }

    private static func folder(_ path: String, relativeTo base: String) -> String {
        var absolute = path.hasPrefix("/") ? path : (base.hasSuffix("/") ? base : base + "/") + path
        absolute = URL(fileURLWithPath: absolute).standardizedFileURL.path
        return absolute.hasSuffix("/") ? absolute : absolute + "/"
    }
}
