import Foundation

/// An IPv4 or IPv6 address, parsed without the network (pure, so the rules are unit-tested).
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6([UInt8]) // 16 bytes

    /// A literal address as a host name may spell it. IPv4 is read the way the C resolver
    /// (`inet_aton`) reads it, because that is how a client library will connect: dotted
    /// decimal, but also `0x7f000001`, `2130706433`, `0177.0.0.1` and `127.1`. IPv6 may be in
    /// brackets and carry a zone (`[fe80::1%eth0]`). Not a literal: `nil`.
    public init?(literal raw: String) {
        var text = raw.trimmedWhitespace
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if text.hasSuffix("."), !text.contains(":") { text.removeLast() }
        if text.contains(":") {
            if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
            guard let bytes = Self.parseV6(text) else { return nil }
            self = .v6(bytes)
        } else {
            guard let value = Self.parseV4(text) else { return nil }
            self = .v4(value)
        }
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
        case .v6(let bytes):
            return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        }
    }

    /// `inet_aton`: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last part
    /// fills the remaining bytes.
    static func parseV4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = parseV4Part(part) else { return nil }
            numbers.append(number)
        }
        var value: UInt64 = 0
        for (index, number) in numbers.enumerated() {
            if index == numbers.count - 1 {
                let remainingBits = UInt64(8 * (4 - index))
                guard number < (UInt64(1) << remainingBits) else { return nil }
                value |= number
            } else {
                guard number <= 0xFF else { return nil }
                value |= number << UInt64(8 * (3 - index))
            }
        }
        return UInt32(value)
    }

    private static func parseV4Part(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.count <= 12 else { return nil }
        let lower = part.lowercased()
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2)
            if digits.isEmpty { return 0 }
            return UInt64(digits, radix: 16)
        }
        if lower.count > 1, lower.hasPrefix("0") { return UInt64(lower.dropFirst(), radix: 8) }
        return UInt64(lower, radix: 10)
    }

    static func parseV6(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ piece: String) -> [UInt16]? {
            if piece.isEmpty { return [] }
            var result: [UInt16] = []
            let fields = piece.split(separator: ":", omittingEmptySubsequences: false)
            for (index, field) in fields.enumerated() {
                if field.contains(".") {
                    guard index == fields.count - 1, field.split(separator: ".").count == 4,
                          field.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }),
                          let v4 = parseV4(String(field)) else { return nil }
                    result.append(UInt16(v4 >> 16))
                    result.append(UInt16(v4 & 0xFFFF))
                } else {
                    guard (1...4).contains(field.count), let value = UInt16(field, radix: 16) else { return nil }
                    result.append(value)
                }
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all: [UInt16]
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count <= 7 else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard head.count == 8 else { return nil }
            all = head
        }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// Why a webhook must not be sent to this address, or `nil` for a public address.
    public var restriction: Restriction? {
        switch self {
        case .v4(let a):
            func within(_ base: UInt32, _ bits: UInt32) -> Bool { bits == 0 || (a >> (32 - bits)) == (base >> (32 - bits)) }
            if within(0x0000_0000, 8) { return .unspecified }            // 0.0.0.0/8 "this network"
            if within(0x7F00_0000, 8) { return .loopback }               // 127.0.0.0/8
            if within(0xA9FE_0000, 16) { return .linkLocal }             // 169.254.0.0/16 (cloud metadata)
            if within(0x0A00_0000, 8) || within(0xAC10_0000, 12) || within(0xC0A8_0000, 16) { return .privateNetwork } // RFC 1918
            if within(0x6440_0000, 10) { return .privateNetwork }        // 100.64.0.0/10 carrier-grade NAT
            if within(0xC000_0000, 24) || within(0xC612_0000, 15) { return .privateNetwork } // 192.0.0.0/24, 198.18.0.0/15
            if within(0xE000_0000, 4) { return .multicast }              // 224.0.0.0/4
            if within(0xF000_0000, 4) { return .reserved }               // 240.0.0.0/4 and the broadcast address
            return nil
        case .v6(let b):
            if b.allSatisfy({ $0 == 0 }) { return .unspecified }
            if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return .loopback }
            let embedded = IPAddress.v4(UInt32(b[12]) << 24 | UInt32(b[13]) << 16 | UInt32(b[14]) << 8 | UInt32(b[15]))
            // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d)
            // reach the IPv4 address inside: judge that one.
            if b[0..<10].allSatisfy({ $0 == 0 }) && ((b[10] == 0xFF && b[11] == 0xFF) || (b[10] == 0 && b[11] == 0)) {
                return embedded.restriction
            }
            if b[0] == 0x00, b[1] == 0x64, b[2] == 0xFF, b[3] == 0x9B, b[4..<12].allSatisfy({ $0 == 0 }) { return embedded.restriction }
            if b[0] == 0xFE && (b[1] & 0xC0) == 0x80 { return .linkLocal }          // fe80::/10
            if b[0] == 0xFE && (b[1] & 0xC0) == 0xC0 { return .privateNetwork }     // fec0::/10 (old site-local)
            if (b[0] & 0xFE) == 0xFC { return .privateNetwork }                      // fc00::/7 unique local
            if b[0] == 0xFF { return .multicast }                                    // ff00::/8
            return nil
        }
    }

    public enum Restriction: String, Sendable {
        case loopback, linkLocal, privateNetwork, multicast, unspecified, reserved
    }
}

/// Where the commune's webhook may point (SSRF policy, docs/decisions.md): a host that is, or
/// resolves to, a loopback, link-local, private, multicast, unspecified or reserved address is
/// refused — when the address is saved and again before every delivery — unless the operator
/// names the host in `GIAOBAN_WEBHOOK_ALLOWED_HOSTS` (a chat bridge on the same box).
public enum WebhookHostPolicy {
    public enum Verdict: Equatable, Sendable {
        case allowed
        /// The host or one of its addresses is inside a network the server must not reach for a commune.
        case refused(IPAddress.Restriction)
        /// A name that did not resolve (nothing to connect to).
        case unresolved
    }

    /// The host as it is compared with the allow-list: lower case, no brackets, no final dot.
    public static func canonicalHost(_ host: String) -> String {
        var text = host.trimmedWhitespace.lowercased()
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// The allow-list from `GIAOBAN_WEBHOOK_ALLOWED_HOSTS` ("127.0.0.1,chat-bridge.lan").
    public static func allowList(_ setting: String?) -> Set<String> {
        Set((setting ?? "").split(separator: ",").map { canonicalHost(String($0)) }.filter { !$0.isEmpty })
    }

    /// Whether the host needs its name resolved before a verdict (not a literal, not a name refused by itself).
    public static func needsResolution(_ host: String, allowed: Set<String>) -> Bool {
        let name = canonicalHost(host)
        return !allowed.contains(name) && IPAddress(literal: name) == nil && !isLocalName(name)
    }

    /// The verdict for `host`, given the addresses it resolved to (ignored for literals).
    /// Every address must be public: a name with one private address among public ones could be
    /// answered with that one.
    public static func verdict(host: String, resolved: [IPAddress], allowed: Set<String>) -> Verdict {
        let name = canonicalHost(host)
        if allowed.contains(name) { return .allowed }
        if name.isEmpty { return .unresolved }
        if isLocalName(name) { return .refused(.loopback) }
        if let literal = IPAddress(literal: name) { return literal.restriction.map(Verdict.refused) ?? .allowed }
        guard !resolved.isEmpty else { return .unresolved }
        for address in resolved {
            if allowed.contains(address.description) { continue }
            if let restriction = address.restriction { return .refused(restriction) }
        }
        return .allowed
    }

    /// `localhost` and its subdomains (RFC 6761) are the machine itself whatever DNS says.
    static func isLocalName(_ name: String) -> Bool {
        name == "localhost" || name.hasSuffix(".localhost") || name == "localhost.localdomain"
    }
}

/// Which address a request comes from, for throttling: the direct peer, or — only when the peer
/// is a proxy the operator named in `GIAOBAN_TRUSTED_PROXIES` — the client it forwarded for
/// (the right-most `X-Forwarded-For` entry that is not itself a trusted proxy).
public enum ClientAddress {
    public static func trustedProxies(_ setting: String?) -> Set<String> {
        Set((setting ?? "").split(separator: ",").map { normalise(String($0)) }.filter { !$0.isEmpty })
    }

    public static func resolve(peer: String?, forwardedFor: [String], trustedProxies: Set<String>) -> String? {
        guard let peer = peer.map(normalise), !peer.isEmpty else { return nil }
        guard trustedProxies.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { normalise(String($0)) }.filter { !$0.isEmpty }
        for hop in hops.reversed() where !trustedProxies.contains(hop) {
            return hop
        }
        return peer
    }

    /// An address as compared: an IP literal in its canonical spelling, anything else lower case.
    static func normalise(_ text: String) -> String {
        let trimmed = text.trimmedWhitespace
        if let address = IPAddress(literal: trimmed) {
            if case .v6(let b) = address, b[0..<10].allSatisfy({ $0 == 0 }), b[10] == 0xFF, b[11] == 0xFF {
                return IPAddress.v4(UInt32(b[12]) << 24 | UInt32(b[13]) << 16 | UInt32(b[14]) << 8 | UInt32(b[15])).description
            }
            return address.description
        }
        return trimmed.lowercased()
    }
}
