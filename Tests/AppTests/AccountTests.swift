@testable import App
import Fluent
import GiaoBanCore
import Testing
import Vapor
import VaporTesting

@Suite("Accounts: sign-in, sessions, CSRF, throttling, tokens")
struct AccountTests {
    @Test("Signing in sets a database session with safe cookie flags; signing out ends it")
    func loginLogout() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            let page = try await browser.get("/")
            #expect(page.status == .seeOther)
            #expect(page.location?.hasPrefix("/login") == true)
            let login = try await browser.post("/login", [("username", TestApp.Demo.reporter), ("password", DemoCommune.password)])
            #expect(login.status == .seeOther)
            let setCookie = login.headers[.setCookie].first { $0.hasPrefix(SessionAuthMiddleware.cookieName) } ?? ""
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Lax"))
            #expect(try await UserSession.query(on: t.db).count() == 1)
            let stored = try #require(try await UserSession.query(on: t.db).first())
            #expect(stored.tokenHash != browser.cookie(SessionAuthMiddleware.cookieName), "only a hash is stored")

            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.body.string.contains("Hồ Sỹ Nam"))

            let out = try await browser.post("/logout", [])
            #expect(out.status == .seeOther)
            #expect(try await UserSession.query(on: t.db).count() == 0)
            #expect(try await browser.get("/").status == .seeOther)
        }
    }

    @Test("Secure cookies when configured")
    func secureCookies() async throws {
        try await withTestApp { t in
            t.app.giaobanConfig.secureCookies = true
            let browser = t.browser()
            let login = try await browser.post("/login", [("username", TestApp.Demo.reporter), ("password", DemoCommune.password)])
            let setCookie = login.headers[.setCookie].first { $0.hasPrefix(SessionAuthMiddleware.cookieName) } ?? ""
            #expect(setCookie.contains("Secure"))
        }
    }

    @Test("A wrong password is refused in Vietnamese and keeps the username typed")
    func wrongPassword() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            let response = try await browser.post("/login", [("username", "nam.hs"), ("password", "sai-mat-khau")])
            #expect(response.status == .unauthorized)
            #expect(response.body.string.contains("Tên đăng nhập hoặc mật khẩu không đúng."))
            #expect(response.body.string.contains("value=\"nam.hs\""))
        }
    }

    @Test("Five failures lock the username for a while, then it opens again")
    func throttling() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            for _ in 0..<5 {
                #expect(try await browser.post("/login", [("username", TestApp.Demo.reporter), ("password", "wrong-one")]).status == .unauthorized)
            }
            let locked = try await browser.post("/login", [("username", TestApp.Demo.reporter), ("password", DemoCommune.password)])
            #expect(locked.status == .tooManyRequests)
            #expect(locked.body.string.contains("Đăng nhập sai quá nhiều lần"))
            let api = try await t.api(.POST, "/api/v1/auth/token", token: nil,
                                      json: ["username": TestApp.Demo.reporter, "password": DemoCommune.password])
            #expect(api.status == .tooManyRequests)
            t.clock.advance(by: 16 * 60)
            try await browser.login(TestApp.Demo.reporter)
        }
    }

    @Test("A form without the CSRF token is refused and changes nothing")
    func csrf() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login(TestApp.Demo.admin)
            let before = try await OrgUnit.query(on: t.db).count()
            let missing = try await browser.post("/admin/units", [("name", "Ban mới"), ("kind", "field")], includeCSRF: false)
            #expect(missing.status == .forbidden)
            let wrong = try await browser.post("/admin/units", [("name", "Ban mới"), ("kind", "field")], csrf: "not-the-token")
            #expect(wrong.status == .forbidden)
            #expect(wrong.body.string.contains("tải lại trang"))
            #expect(try await OrgUnit.query(on: t.db).count() == before)
            let login = try await t.browser().post("/login", [("username", TestApp.Demo.admin), ("password", DemoCommune.password)], includeCSRF: false)
            #expect(login.status == .forbidden)
        }
    }

    @Test("Changing the password signs out other sessions and checks the current one")
    func passwordChange() async throws {
        try await withTestApp { t in
            let first = t.browser(), second = t.browser()
            try await first.login(TestApp.Demo.reporter)
            try await second.login(TestApp.Demo.reporter)
            let refused = try await first.post("/account/password", [("current", "wrong"), ("new", "short"), ("confirm", "other")])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Mật khẩu hiện tại không đúng."))
            #expect(refused.body.string.contains("Mật khẩu cần ít nhất 8 ký tự."))
            let changed = try await first.post("/account/password", [("current", DemoCommune.password), ("new", "mat-khau-moi-2021"), ("confirm", "mat-khau-moi-2021")])
            #expect(changed.status == .seeOther)
            #expect(try await first.get("/").status == .ok)
            #expect(try await second.get("/").status == .seeOther)
            _ = try await t.token(TestApp.Demo.reporter, password: "mat-khau-moi-2021")
        }
    }

    @Test("A session expires after its lifetime")
    func sessionExpiry() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login(TestApp.Demo.reporter)
            #expect(try await browser.get("/").status == .ok)
            t.clock.advance(by: t.app.giaobanConfig.sessionLifetime + 60)
            #expect(try await browser.get("/").status == .seeOther)
        }
    }

    @Test("API tokens: wrong credentials 401, bad body 4xx, token works, a bad token is 401")
    func apiTokens() async throws {
        try await withTestApp { t in
            let wrong = try await t.api(.POST, "/api/v1/auth/token", token: nil, json: ["username": "admin", "password": "nope"])
            #expect(wrong.status == .unauthorized)
            #expect(try wrong.content.get(String.self, at: "error", "code") == "invalid_credentials")
            let broken = try await t.app.testing().sendRequest(.POST, "/api/v1/auth/token", beforeRequest: { req in
                req.headers.contentType = .json
                req.body = ByteBuffer(string: "{not json")
            })
            #expect((400..<500).contains(broken.status.code))
            let token = try await t.token(TestApp.Demo.reporter)
            let ok = try await t.api(.GET, "/api/v1/weeks/current", token: token)
            #expect(ok.status == .ok)
            let noToken = try await t.api(.GET, "/api/v1/weeks/current", token: nil)
            #expect(noToken.status == .unauthorized)
            #expect(try noToken.content.get(String.self, at: "error", "message") == "Cần đăng nhập.")
            let badToken = try await t.api(.GET, "/api/v1/weeks/current", token: "abc")
            #expect(badToken.status == .unauthorized)
            // A deactivated person's token stops working at once.
            let admin = try await t.token(TestApp.Demo.admin)
            let reporter = try await t.person(TestApp.Demo.reporter)
            let off = try await t.api(.PATCH, "/api/v1/people/\(reporter.requireID())", token: admin, json: ["active": false])
            #expect(off.status == .ok)
            #expect(try await t.api(.GET, "/api/v1/weeks/current", token: token).status == .unauthorized)
        }
    }
}
