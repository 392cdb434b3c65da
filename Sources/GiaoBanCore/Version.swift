public enum GiaoBanCoreVersion { public static let value = "0.1" }
