import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Input safety: redirects, text at the boundary, webhook addresses, client addresses (issue 18)")
struct InputSafetyTests {
    @Test("A `next` is one local path: no second slash or backslash, no control or whitespace, typed or percent-encoded")
    func localRedirect() {
        for good in ["/", "/reports/current", "/admin/units?x=1", "/search?q=%C4%91%E1%BA%B7ng", "/a/b//c"] {
            #expect(LocalRedirect.path(good) == good, "\(good)")
        }
        for bad in ["//evil.example", "/\\evil.example", "/%2f%2fevil.example", "/%2F/evil.example", "/%5cevil.example",
                    "https://evil.example", "http:/evil.example", "evil.example", "", "/\r\nSet-Cookie: a=b", "/%0d%0aSet-Cookie:%20a=b",
                    "/%0aX-Injected:%201", "/\t/evil.example", "/%09/evil.example", "/ /evil", "/%20/evil", "/a%00b", "/a\u{0085}b",
                    "/%252f%252fevil", "/a\u{2028}b", "/a\u{202E}b", "/%E2%80%AEb", "/%ZZ"] {
            #expect(LocalRedirect.path(bad) == nil, "\(bad.debugDescription)")
        }
        #expect(LocalRedirect.path(nil) == nil)
    }

    @Test("After signing in: a safe local `next`, never another site, never the sign-in page again; otherwise home")
    func afterSignIn() {
        for good in ["/", "/admin/units", "/reports/2021-W33?personId=1&notice=saved", "/search?q=%C4%91%E1%BA%B7ng"] {
            #expect(LocalRedirect.afterSignIn(good) == good, "\(good)")
        }
        for hostile in ["//evil.com", "/\\evil.com", "https://evil.com", "http://evil.com/", "javascript:alert(1)", "/%2F%2Fevil",
                        "/%2f/evil", "/%5Cevil.com", "/\r\nLocation: https://evil.com", "/%0D%0ALocation:%20https://evil.com",
                        "/\u{0}a", "/%00a", "/\u{7F}", "/\t/evil.com", "evil.com", "", " /reports", "/login", "/login?next=/admin",
                        "/%252F%252Fevil"] {
            #expect(LocalRedirect.afterSignIn(hostile) == "/", "\(hostile.debugDescription)")
        }
        #expect(LocalRedirect.afterSignIn(nil) == "/")
    }

    @Test("Text: NUL and controls go (newline and tab stay), bidi overrides and zero-width characters go")
    func cleanText() {
        #expect(InputText.clean("\u{0}nul") == "nul")
        #expect(InputText.clean("a\u{7}b\u{1B}[31mc\u{7F}d\u{85}e") == "ab[31mcde")
        #expect(InputText.clean("dòng 1\r\ndòng 2\tcột") == "dòng 1\ndòng 2\tcột")
        #expect(InputText.clean("Nguy\u{202E}ễn\u{2066}Văn\u{2069} A\u{200B}n\u{200D}h\u{FEFF}") == "NguyễnVăn Anh")
        #expect(InputText.clean("Hồ Sỹ Nam") == "Hồ Sỹ Nam")
        #expect(VietnameseText.nfc("  \u{0}\u{200B}  ") == "", "nothing left: a required field is empty")
        #expect(InputText.isTooLong(String(repeating: "ạ", count: InputText.maxLength + 1)))
        #expect(!InputText.isTooLong(String(repeating: "ạ", count: InputText.maxLength)))
    }

    @Test("A number with more decimals than are stored is refused, not rounded to 0")
    func storableNumbers() throws {
        #expect(VietnameseNumber.isStorable(try #require(VietnameseNumber.parse("1.234,567891"))))
        #expect(!VietnameseNumber.isStorable(try #require(VietnameseNumber.parse("0,0000000001"))))
        #expect(!VietnameseNumber.isStorable(try #require(VietnameseNumber.parse("2,1234567"))))
        #expect(VietnameseNumber.isStorable(try #require(VietnameseNumber.parse("2,1234560"))), "trailing zeros change nothing")
    }

    @Test("Addresses a webhook must not reach, however they are spelled")
    func restrictedAddresses() throws {
        let cases: [(String, IPAddress.Restriction?)] = [
            ("127.0.0.1", .loopback), ("0x7f000001", .loopback), ("2130706433", .loopback), ("0177.0.0.1", .loopback),
            ("127.1", .loopback), ("0x7f.1", .loopback), ("::1", .loopback), ("[::1]", .loopback), ("0:0:0:0:0:0:0:1", .loopback),
            ("::ffff:127.0.0.1", .loopback), ("::ffff:7f00:1", .loopback), ("[::ffff:169.254.169.254]", .linkLocal),
            ("169.254.169.254", .linkLocal), ("fe80::1%eth0", .linkLocal), ("64:ff9b::a9fe:a9fe", .linkLocal),
            ("10.1.2.3", .privateNetwork), ("172.16.0.1", .privateNetwork), ("172.31.255.255", .privateNetwork),
            ("192.168.1.10", .privateNetwork), ("100.64.0.1", .privateNetwork), ("fc00::1", .privateNetwork), ("fd12:3456::1", .privateNetwork),
            ("224.0.0.1", .multicast), ("ff02::1", .multicast), ("0.0.0.0", .unspecified), ("0", .unspecified), ("::", .unspecified),
            ("255.255.255.255", .reserved),
            ("8.8.8.8", nil), ("172.32.0.1", nil), ("1.1.1.1", nil), ("2001:4860:4860::8888", nil), ("203.0.113.7", nil),
        ]
        for (text, expected) in cases {
            let address = try #require(IPAddress(literal: text), "\(text) is a literal")
            #expect(address.restriction == expected, "\(text) → \(String(describing: address.restriction))")
        }
        for name in ["example.org", "chat-bridge.lan", "1.2.3.4.5", "256.1.1.1.1", "::1::", "localhost"] {
            #expect(IPAddress(literal: name) == nil, "\(name) is a name")
        }
        #expect(IPAddress(literal: "0x7f000001")?.description == "127.0.0.1")
    }

    @Test("The webhook host policy: refused names and addresses, the operator's allow-list, every resolved address judged")
    func hostPolicy() {
        let none: Set<String> = []
        #expect(WebhookHostPolicy.verdict(host: "localhost", resolved: [], allowed: none) == .refused(.loopback))
        #expect(WebhookHostPolicy.verdict(host: "API.localhost.", resolved: [], allowed: none) == .refused(.loopback))
        #expect(WebhookHostPolicy.verdict(host: "0x7f000001", resolved: [], allowed: none) == .refused(.loopback))
        #expect(WebhookHostPolicy.verdict(host: "[::1]", resolved: [], allowed: none) == .refused(.loopback))
        #expect(WebhookHostPolicy.verdict(host: "203.0.113.7", resolved: [], allowed: none) == .allowed)
        let metadata = IPAddress.v4(0xA9FE_A9FE)
        let publicAddress = IPAddress(literal: "93.184.216.34")!
        #expect(WebhookHostPolicy.verdict(host: "hook.example.org", resolved: [publicAddress], allowed: none) == .allowed)
        #expect(WebhookHostPolicy.verdict(host: "hook.example.org", resolved: [publicAddress, metadata], allowed: none) == .refused(.linkLocal))
        #expect(WebhookHostPolicy.verdict(host: "nowhere.example", resolved: [], allowed: none) == .unresolved)
        let allowed = WebhookHostPolicy.allowList(" 127.0.0.1, Chat-Bridge.LAN ,")
        #expect(allowed == ["127.0.0.1", "chat-bridge.lan"])
        #expect(WebhookHostPolicy.verdict(host: "127.0.0.1", resolved: [], allowed: allowed) == .allowed)
        #expect(WebhookHostPolicy.verdict(host: "chat-bridge.lan", resolved: [IPAddress(literal: "192.168.1.5")!], allowed: allowed) == .allowed)
        #expect(WebhookHostPolicy.verdict(host: "127.0.0.2", resolved: [], allowed: allowed) == .refused(.loopback))
        #expect(!WebhookHostPolicy.needsResolution("10.0.0.1", allowed: none))
        #expect(WebhookHostPolicy.needsResolution("hook.example.org", allowed: none))
    }

    @Test("The client address: the peer, unless the peer is a trusted proxy")
    func clientAddress() {
        let proxies = ClientAddress.trustedProxies("10.0.0.2, ::1")
        #expect(ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"], trustedProxies: []) == "203.0.113.9",
                "X-Forwarded-For from anyone else is ignored")
        #expect(ClientAddress.resolve(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"], trustedProxies: proxies) == "203.0.113.9")
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["198.51.100.1"], trustedProxies: proxies) == "198.51.100.1")
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: ["1.2.3.4, 198.51.100.1"], trustedProxies: proxies) == "198.51.100.1",
                "the right-most entry is the one the proxy saw; earlier ones are the client's own claims")
        #expect(ClientAddress.resolve(peer: "::1", forwardedFor: ["198.51.100.1, 10.0.0.2"], trustedProxies: proxies) == "198.51.100.1")
        #expect(ClientAddress.resolve(peer: "10.0.0.2", forwardedFor: [], trustedProxies: proxies) == "10.0.0.2")
        #expect(ClientAddress.resolve(peer: "::ffff:203.0.113.9", forwardedFor: [], trustedProxies: []) == "203.0.113.9")
        #expect(ClientAddress.resolve(peer: nil, forwardedFor: ["1.2.3.4"], trustedProxies: proxies) == nil)
    }

    @Test("A district or province account never writes a weekly report; everyone of the commune does")
    func regionalWritesNoReport() {
        func actor(_ roles: Set<Role>) -> Actor { Actor(personID: UUID(), communeID: UUID(), roles: roles) }
        #expect(!AccessPolicy.allows(actor([.regional]), .writeOwnReport))
        #expect(AccessPolicy.allows(actor([.regional]), .readRollups))
        for role in [Role.admin, .leader, .office, .reporter] {
            #expect(AccessPolicy.allows(actor([role]), .writeOwnReport), "\(role)")
        }
        #expect(AccessPolicy.allows(actor([.regional, .reporter]), .writeOwnReport), "a commune official who also reads roll-ups")
    }
}
