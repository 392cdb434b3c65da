import Vapor

// `BareVapor --port N`: answers GET /healthz with "ok", as GiaoBan's /healthz does, and nothing else.
var environment = try Environment.detect()
environment.arguments = [environment.arguments.first ?? "BareVapor", "serve"] + environment.arguments.dropFirst()
let app = try await Application.make(environment)
app.logger.logLevel = .error
app.middleware = Middlewares()
app.get("healthz") { _ in "ok" }
try await app.execute()
try await app.asyncShutdown()
