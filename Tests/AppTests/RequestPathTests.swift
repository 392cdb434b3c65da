@testable import App
import Foundation
import Testing
import Vapor

@Suite("The path the middleware read is the path routing reads")
struct RequestPathTests {
    @Test("The path worked out once per request is url.path, for plain, encoded and absolute targets")
    func sameAsTheParsedPath() async throws {
        try await withTestApp(demo: false) { t in
            let targets = ["/healthz", "/api/v1/reports/2021-W33?x=1", "/css/app.css#top", "/", "/calendar/abc.ics?token=a%20b",
                           "/%61pi/v1/reports", "/c%2Fss/app.css", "http://example.org/api/v1/x?y", "/trang-chủ", "/a?b=/api/v1/"]
            for target in targets {
                let request = Request(application: t.app, method: .GET, url: URI(string: target), on: t.app.eventLoopGroup.any())
                #expect(request.targetPath == request.url.path, "\(target)")
                // Asked again, the same (worked out once, then kept with the request).
                #expect(request.targetPath == request.url.path)
            }
        }
    }
}
