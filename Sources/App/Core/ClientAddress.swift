import Foundation
import Vapor

/// Which address a request comes from, for login throttling, the sign-in log and the request
/// log: the direct peer, or — only when the peer is a proxy the operator named in
/// `GIAOBAN_TRUSTED_PROXIES` (comma-separated addresses, e.g. `127.0.0.1,::1` for nginx on the
/// same machine) — the client it forwarded for: the right-most `X-Forwarded-For` entry that is
/// not itself a trusted proxy. A client cannot forge its address by sending the header itself,
/// because an untrusted peer's header is ignored.
/// (Issue 18's branch adds the same rule; when both are merged keep one of the two definitions.)
enum ClientAddress {
    static func trustedProxies(_ setting: String?) -> Set<String> {
        Set((setting ?? "").split(separator: ",").map { normalise(String($0)) }.filter { !$0.isEmpty })
    }

    static func resolve(peer: String?, forwardedFor: [String], trustedProxies: Set<String>) -> String? {
        guard let peer = peer.map(normalise), !peer.isEmpty else { return nil }
        guard trustedProxies.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { normalise(String($0)) }.filter { !$0.isEmpty }
        for hop in hops.reversed() where !trustedProxies.contains(hop) { return hop }
        return peer
    }

    /// An address as compared: IPv4-mapped IPv6 (`::ffff:10.0.0.1`) as IPv4, the rest lower case.
    static func normalise(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed.hasPrefix("::ffff:"), trimmed.dropFirst(7).split(separator: ".").count == 4 { return String(trimmed.dropFirst(7)) }
        return trimmed
    }
}

extension Request {
    /// The client's address: the peer, or what a trusted proxy says it forwarded for.
    var clientAddress: String? {
        let proxies = application.giaobanConfig.trustedProxies
        if proxies.isEmpty { return remoteAddress?.ipAddress }
        return ClientAddress.resolve(peer: remoteAddress?.ipAddress, forwardedFor: headers[.xForwardedFor],
                              trustedProxies: proxies)
    }
}
