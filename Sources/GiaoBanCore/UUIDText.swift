import Foundation

extension UUID {
    /// What `uuidString` gives (36 characters, upper case), written by hand: Foundation formats
    /// it with `snprintf` on Linux, which showed on pages that link or list hundreds of ids.
    public var canonicalText: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { buffer in
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        buffer[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    buffer[position] = ASCII.upperHexDigit(byte >> 4)
                    buffer[position + 1] = ASCII.upperHexDigit(byte & 0x0F)
                    position += 2
                }
                return position
            }
        }
    }
}
