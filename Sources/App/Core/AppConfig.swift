import GiaoBanCore
import Vapor

/// Every environment variable the server reads, read in one place (12-factor); tests build
/// their own value instead of touching the process environment.
public struct AppConfig: Sendable {
    public enum DatabaseChoice: Sendable, Equatable {
        case sqliteFile(String)
        case sqliteMemory
        case postgres(url: String)
    }

    public var database: DatabaseChoice
    /// Password for the first `admin` account on an empty database; random when absent.
    public var initialAdminPassword: String?
    /// Cookies carry the `Secure` flag (on by default in production, where TLS is expected).
    public var secureCookies: Bool
    /// bcrypt cost; tests lower it to keep the suite fast.
    public var bcryptCost: Int
    /// Fill an empty database with the demo commune (the `demo` command).
    public var loadDemoData: Bool
    /// Run migrations and the first-admin bootstrap while configuring.
    public var migrateOnStart: Bool
    /// Register the database at all; false for help and `routes` (`CommandLinePlan`).
    public var opensDatabase = true
    /// How long a browser session lasts without activity, and how long an API token lives.
    public var sessionLifetime: TimeInterval
    public var apiTokenLifetime: TimeInterval
    /// Seconds between two reminder runs on this server; 0 turns the scheduler off (tests run it by hand).
    public var reminderInterval: TimeInterval
    /// The `sendmail` program for e-mail reminders; nil: no e-mail channel.
    public var sendmailPath: String?
    /// The sender of e-mail reminders.
    public var mailFrom: String
    /// Answer every request with `X-Query-Count` (the statements it sent, Fluent's and plain SQL): tests and
    /// benchmarks use it to catch N+1 queries. Off in production.
    public var exposeQueryCount = false
    /// The address people sign in at, printed on login slips (`GIAOBAN_PUBLIC_URL`, e.g.
    /// `https://giaoban.sonkim2.vn`); nil: the address the admin's request came to.
    public var publicURL: String?
    /// Proxies whose `X-Forwarded-For` names the client (`GIAOBAN_TRUSTED_PROXIES`, addresses,
    /// comma-separated); empty: the direct peer is the client.
    public var trustedProxies: Set<String> = []
    /// Webhook hosts the operator allows although they are local or private
    /// (`GIAOBAN_WEBHOOK_ALLOWED_HOSTS`, e.g. `127.0.0.1,chat-bridge.lan`).
    public var webhookAllowedHosts: Set<String> = []
    /// Where `Resources/` and `Public/` are looked for (`AppHome`); nil keeps Vapor's default, the
    /// working directory, unchecked (tests run from the checkout).
    public var homeSearch: HomeSearch?
    /// Prometheus `/metrics` also answers, from anywhere, a request with `Authorization: Bearer`
    /// this token (`GIAOBAN_METRICS_TOKEN`); without it only loopback clients not behind a proxy.
    public var metricsToken: String?
    /// One JSON object per log line (`LOG_FORMAT=json`) instead of Vapor's console lines.
    public var jsonLogs = false

    public struct HomeSearch: Sendable, Equatable {
        /// `GIAOBAN_HOME`, when set: the only folder looked in.
        public var setting: String?
        public var executable: String?
        public var workingDirectory: String
        public init(setting: String?, executable: String?, workingDirectory: String) {
            self.setting = setting
            self.executable = executable
            self.workingDirectory = workingDirectory
        }
    }

    public init(database: DatabaseChoice, initialAdminPassword: String? = nil, secureCookies: Bool = false,
                bcryptCost: Int = 12, loadDemoData: Bool = false, migrateOnStart: Bool = true,
                sessionLifetime: TimeInterval = 12 * 3600, apiTokenLifetime: TimeInterval = 30 * 24 * 3600,
                reminderInterval: TimeInterval = 0, sendmailPath: String? = nil, mailFrom: String = "giaoban@localhost") {
        self.database = database
        self.initialAdminPassword = initialAdminPassword
        self.secureCookies = secureCookies
        self.bcryptCost = bcryptCost
        self.loadDemoData = loadDemoData
        self.migrateOnStart = migrateOnStart
        self.sessionLifetime = sessionLifetime
        self.apiTokenLifetime = apiTokenLifetime
        self.reminderInterval = reminderInterval
        self.sendmailPath = sendmailPath
        self.mailFrom = mailFrom
    }

    /// Reads `DATABASE_URL`, `DATABASE_PATH`, `GIAOBAN_ADMIN_PASSWORD`, `GIAOBAN_SECURE_COOKIES`,
    /// `GIAOBAN_BCRYPT_COST`, `GIAOBAN_SESSION_HOURS`, `GIAOBAN_REMINDER_SECONDS`, `GIAOBAN_SENDMAIL`,
    /// `GIAOBAN_MAIL_FROM`, `GIAOBAN_PUBLIC_URL`, `GIAOBAN_TRUSTED_PROXIES`,
    /// `GIAOBAN_WEBHOOK_ALLOWED_HOSTS`, `GIAOBAN_HOME`, `GIAOBAN_METRICS_TOKEN` and `LOG_FORMAT`.
    public static func fromEnvironment(_ environment: Environment, plan: CommandLinePlan) -> AppConfig {
        let demo = plan.demo
        let env = ProcessInfo.processInfo.environment
        let database: DatabaseChoice
        if let url = env["DATABASE_URL"], !url.isEmpty {
            database = .postgres(url: url)
        } else if demo {
            database = .sqliteFile(env["DATABASE_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "giaoban-demo.sqlite")
        } else {
            database = .sqliteFile(env["DATABASE_PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? "giaoban.sqlite")
        }
        let secure = env["GIAOBAN_SECURE_COOKIES"].map { ["1", "true", "yes"].contains($0.lowercased()) }
            ?? (environment == .production)
        let cost = env["GIAOBAN_BCRYPT_COST"].flatMap(Int.init).map { min(max($0, 4), 31) } ?? 12
        let hours = env["GIAOBAN_SESSION_HOURS"].flatMap(Double.init) ?? 12
        var config = AppConfig(
            database: database,
            initialAdminPassword: env["GIAOBAN_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 },
            secureCookies: secure,
            bcryptCost: cost,
            loadDemoData: demo,
            migrateOnStart: plan.migrates,
            sessionLifetime: hours * 3600,
            reminderInterval: env["GIAOBAN_REMINDER_SECONDS"].flatMap(Double.init).map { max(0, $0) } ?? 60,
            sendmailPath: env["GIAOBAN_SENDMAIL"].flatMap { $0.isEmpty ? nil : $0 },
            mailFrom: env["GIAOBAN_MAIL_FROM"].flatMap { $0.isEmpty ? nil : $0 } ?? "giaoban@localhost"
        )
        config.publicURL = env["GIAOBAN_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 }
        config.trustedProxies = ClientAddress.trustedProxies(env["GIAOBAN_TRUSTED_PROXIES"])
        config.webhookAllowedHosts = WebhookHostPolicy.allowList(env["GIAOBAN_WEBHOOK_ALLOWED_HOSTS"])
        // Help and `routes` only print: they need no templates, so they run from any folder.
        if plan.opensDatabase {
            config.homeSearch = HomeSearch(setting: env["GIAOBAN_HOME"], executable: AppHome.currentExecutable,
                                           workingDirectory: FileManager.default.currentDirectoryPath)
        }
        config.metricsToken = env["GIAOBAN_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        config.jsonLogs = LogFormat.isJSON(env)
        config.opensDatabase = plan.opensDatabase
        return config
    }
}

extension Application {
    private struct ConfigKey: StorageKey { typealias Value = AppConfig }
    public var giaobanConfig: AppConfig {
        get { storage[ConfigKey.self] ?? AppConfig(database: .sqliteMemory) }
        set { storage[ConfigKey.self] = newValue }
    }
}
