import Foundation
import Vapor

/// Serves `Public/` only for the addresses that can name a file there. Vapor's `FileMiddleware`
/// asks the file system about every request's path (a thread hop and a `stat`) before the router
/// sees it; pages and API routes never name a file, so they skip that work. The prefixes are read
/// from `Public/` itself at start-up: a new folder or file there is served without registering it.
struct StaticFilesMiddleware: Middleware {
    private let files: FileMiddleware
    /// `/css/`, `/js/` for folders; `/favicon.svg` for files at the top.
    let prefixes: [String]

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory, defaultFile: nil, advancedETagComparison: true)
        prefixes = Self.prefixes(of: publicDirectory)
    }

    static func prefixes(of publicDirectory: String) -> [String] {
        let manager = FileManager.default
        let entries = (try? manager.contentsOfDirectory(atPath: publicDirectory)) ?? []
        return entries.filter { !$0.hasPrefix(".") }.sorted().map { name in
            var isFolder: ObjCBool = false
            _ = manager.fileExists(atPath: publicDirectory + name, isDirectory: &isFolder)
            return "/" + name + (isFolder.boolValue ? "/" : "")
        }
    }

    func mayNameAFile(_ path: some StringProtocol) -> Bool {
        prefixes.contains { $0.hasSuffix("/") ? path.hasPrefix($0) : path == $0 }
    }

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.method == .GET || request.method == .HEAD, mayNameAFile(request.targetPath) else {
            return next.respond(to: request)
        }
        return files.respond(to: request, chainingTo: next)
    }
}

extension Request {
    /// The request target's path, as `url.path` gives it, worked out once per request: `URI`'s
    /// getters rebuild the text through Foundation's `URLComponents` and `replacingOccurrences`
    /// on every call, and the static files, the security headers and the error pages each ask.
    var targetPath: String {
        if let known = storage[TargetPathKey.self] { return known }
        let path = url.path
        storage[TargetPathKey.self] = path
        return path
    }

    private struct TargetPathKey: StorageKey {
        typealias Value = String
    }
}
