/// Text as a dictionary key by its exact UTF-8 bytes. Hashing a `String` first checks (or makes)
/// its normalised form, which for Vietnamese text is most of a lookup; memos keyed by text they
/// read on every request (names, a commune's calendar) hash the bytes instead. Two spellings of
/// one text (NFC, NFD) are two keys. One text, or two kept apart.
public struct ExactText: Hashable, Sendable {
    public let text: String
    public let second: String?

    public init(_ text: String, _ second: String? = nil) {
        self.text = text
        self.second = second
    }

    public func hash(into hasher: inout Hasher) {
        Self.combine(text, into: &hasher)
        if let second { Self.combine(second, into: &hasher) }
    }

    private static func combine(_ part: String, into hasher: inout Hasher) {
        var part = part
        part.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        // The length too, so that ("ab", "c") and ("a", "bc") hash apart.
        hasher.combine(part.utf8.count)
    }

    public static func == (lhs: ExactText, rhs: ExactText) -> Bool {
        guard lhs.text.utf8.elementsEqual(rhs.text.utf8) else { return false }
        switch (lhs.second, rhs.second) {
        case (nil, nil): return true
        case let (first?, second?): return first.utf8.elementsEqual(second.utf8)
        default: return false
        }
    }
}
