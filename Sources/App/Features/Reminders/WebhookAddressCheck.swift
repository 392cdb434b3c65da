#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GiaoBanCore
import NIOPosix
import Vapor

/// Applies `WebhookHostPolicy` (GiaoBanCore) to a URL: resolves its host with the system
/// resolver (as the HTTP client will) and judges every address. Used when the URL is saved and
/// again before each delivery.
enum WebhookAddressCheck {
    /// What the delivery log says for a delivery the policy stopped: never what the network answered.
    static let refusedLabel = "Bị từ chối theo chính sách địa chỉ (refused by policy): webhook không được gửi vào mạng nội bộ."

    static let refusedMessage = "Địa chỉ webhook trỏ vào máy chủ này hoặc mạng nội bộ (loopback, link-local, mạng riêng, multicast): không được phép. Người vận hành có thể cho phép một máy cụ thể bằng biến GIAOBAN_WEBHOOK_ALLOWED_HOSTS."

    static func host(of url: String) -> String? {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else { return nil }
        return host
    }

    static func verdict(url: String, allowed: Set<String>) async -> WebhookHostPolicy.Verdict {
        guard let host = host(of: url) else { return .unresolved }
        var resolved: [IPAddress] = []
        if WebhookHostPolicy.needsResolution(host, allowed: allowed) {
            resolved = (try? await NIOThreadPool.singleton.runIfActive { resolve(WebhookHostPolicy.canonicalHost(host)) }) ?? []
        }
        return WebhookHostPolicy.verdict(host: host, resolved: resolved, allowed: allowed)
    }

    /// Every address `getaddrinfo` gives for `name` (blocking: run on the thread pool).
    static func resolve(_ name: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let sockaddr = entry.pointee.ai_addr {
                switch Int32(sockaddr.pointee.sa_family) {
                case AF_INET:
                    sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                        addresses.append(.v4(UInt32(bigEndian: v4.pointee.sin_addr.s_addr)))
                    }
                case AF_INET6:
                    sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                        var address = v6.pointee.sin6_addr
                        let bytes = withUnsafeBytes(of: &address) { Array($0) }
                        addresses.append(.v6(bytes))
                    }
                default: break
                }
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}
