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

    /// `/css/app.css` of `/css/app.css?v=2`; a file's name is never percent-encoded here, so a
    /// raw target that is not a plain path simply names no file and goes on to the routes.
    static func rawPath(_ target: String) -> Substring {
        target[..<(target.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? target.endIndex)]
    }

    func mayNameAFile(_ path: some StringProtocol) -> Bool {
        prefixes.contains { $0.hasSuffix("/") ? path.hasPrefix($0) : path == $0 }
    }

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        // The raw target before the path: `request.url.path` parses the URI on every call.
        guard request.method == .GET || request.method == .HEAD, mayNameAFile(Self.rawPath(request.url.string)) else {
            return next.respond(to: request)
        }
        return files.respond(to: request, chainingTo: next)
    }
}
