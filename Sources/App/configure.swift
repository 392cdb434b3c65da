import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import SQLKit
import Vapor

/// Wiring only: database, migrations, middleware, views and routes.
public func configure(_ app: Application, config: AppConfig) async throws {
    app.giaobanConfig = config
    // Templates, openapi.yaml and Public/ from the installation's folder, whatever the working
    // directory; without the templates, stop here rather than answer 500 on every page.
    if let search = config.homeSearch {
        let home = try AppHome.locate(setting: search.setting, executable: search.executable,
                                      workingDirectory: search.workingDirectory)
        app.directory = AppHome.directory(home)
    }

    // Blocking work — every SQLite query, bcrypt, file reads — runs on this pool. Vapor's default
    // is one thread per core (two on a commune's box), which a few slow queries or password
    // checks would fill, stalling every other request.
    app.threadPool = NIOThreadPool(numberOfThreads: max(16, System.coreCount * 4))

    switch config.opensDatabase ? config.database : nil {
    case nil:
        break // help or `routes`: nothing is opened, so no SQLite file is created
    case .sqliteMemory:
        // SQLiteKit's "in-memory" database is a file in the temporary folder that nothing deletes
        // (SQLiteNIO is built without the shared cache it would need): 0.6 MB left behind per test
        // app, gigabytes after a few runs of the suite. The app owns that file instead.
        // Registered before the database, so that it runs after the connections are closed
        // (the application shuts its handlers down in reverse order).
        let scratch = ScratchDatabaseFile()
        app.lifecycle.use(scratch)
        app.databases.use(SQLiteTuning.configuration(.file(scratch.path)), as: .sqlite)
        // In WAL mode as a real database is: reads run on connections of their own (`DirectReads`).
        try await SQLiteTuning.useWriteAheadLog(app)
    case .sqliteFile(let path):
        // Every connection waits for the lock (busy_timeout) and syncs every commit
        // (synchronous=FULL); transactions take the write lock up front (`SQLiteTuning`).
        app.databases.use(SQLiteTuning.configuration(.file(path), connectionPoolTimeout: .seconds(30)), as: .sqlite)
        // Nothing acknowledged is lost: write-ahead log (kept in the file, so set once).
        try await SQLiteTuning.useWriteAheadLog(app)
    case .postgres(let url):
        try app.databases.use(.postgres(url: url), as: .psql)
    }
    for migration in AppMigrations.all { app.migrations.add(migration) }

    app.passwords.use(.bcrypt(cost: config.bcryptCost))
    InputBoundary.install()
    // Webhooks: a receiver gets 5 s to accept the connection and 10 s between two reads, and
    // may not redirect the server elsewhere (the address policy checked the first host only).
    app.http.client.configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
    app.http.client.configuration.redirectConfiguration = .disallow
    app.views.use(.leaf)
    app.leaf.cache.isEnabled = app.environment.isRelease
    app.leaf.tags["errorSummary"] = ErrorSummaryTag()
    app.leaf.tags["t"] = StringsTag()
    app.leaf.tags["options"] = OptionsTag()
    app.routes.defaultMaxBodySize = "2mb"
    // Pages shrink to a fifth over a weak connection; clients that do not ask get them plain.
    app.http.server.configuration.responseCompression = .enabled
    // Browsers and the API's clients send plain bodies; Vapor's default would put a decompressor
    // in front of every request (and inflate untrusted input). A compressed body is refused as
    // unreadable, like any other body that is not what the route reads.
    app.http.server.configuration.requestDecompression = .disabled

    // Order matters: errors wrap everything, so that even a refused CSRF token gets a proper page.
    app.middleware = .init()
    // One line per answered request (route pattern, status, duration, person) and the
    // Prometheus request figures; replaces Vapor's RouteLoggingMiddleware.
    app.middleware.use(RequestLogMiddleware(metrics: app.appMetrics))
    // Security headers (and Cache-Control) wrap the error middleware, so error answers carry them too.
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(AppErrorMiddleware())
    app.middleware.use(StaticFilesMiddleware(publicDirectory: app.directory.publicDirectory))
    if config.exposeQueryCount { app.middleware.use(QueryCountMiddleware()) }

    if config.migrateOnStart && config.opensDatabase {
        try await app.autoMigrate()
        try await Bootstrap.prepare(app)
        // Only a serving process plans and sends reminders; `migrate` and other commands do not.
        if config.reminderInterval > 0 { app.lifecycle.use(ReminderScheduler(interval: config.reminderInterval)) }
    }
    app.asyncCommands.use(BackupCommand(), as: "backup")
    app.asyncCommands.use(RestoreCommand(), as: "restore")
    app.asyncCommands.use(GenerateCommand(), as: "generate")
    try routes(app)
    RequestLogMiddleware.labelRoutes(app.routes)
}

/// What an empty database needs before anyone can sign in.
enum Bootstrap {
    static func prepare(_ app: Application) async throws {
        let config = app.giaobanConfig
        if config.loadDemoData {
            try await DemoCommune.loadIfEmpty(app)
            return
        }
        guard try await Person.query(on: app.db).count() == 0 else { return }
        let password = config.initialAdminPassword ?? SecretToken.make().prefix(16).description
        let commune = Commune(name: "Xã mới")
        try await commune.save(on: app.db)
        let admin = Person(communeID: try commune.requireID(), fullName: "Quản trị hệ thống", username: "admin",
                           passwordHash: try await app.password.async.hash(password), roles: [.admin])
        try await admin.save(on: app.db)
        if config.initialAdminPassword == nil {
            // Printed once, on the first start only: the operator signs in and changes it.
            print("""

            ==============================================================
             Tài khoản quản trị đầu tiên / first admin account
               tên đăng nhập (username): admin
               mật khẩu (password):      \(password)
             Hãy đổi mật khẩu sau khi đăng nhập. Change it after signing in.
            ==============================================================

            """)
        } else {
            app.logger.notice("Created the first admin account 'admin' with the password from GIAOBAN_ADMIN_PASSWORD.")
        }
    }
}
