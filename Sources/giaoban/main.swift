import App
import Vapor

// Before anything else starts a task (see `TaskExecution`).
let tasksOnEventLoops = TaskExecution.install(environment: ProcessInfo.processInfo.environment)

// What this run does is decided from the arguments first (`CommandLinePlan`): `giaoban demo`
// is `giaoban serve` on ./giaoban-demo.sqlite with the demo commune loaded; help and `routes`
// open no database.
let plan = CommandLinePlan.decide(CommandLine.arguments)

var environment = try Environment.detect(arguments: plan.arguments)
try LogFormat.bootstrap(from: &environment)  // LOG_FORMAT=json: one JSON object per line
let app = try await Application.make(environment)
app.logger.debug("Swift tasks run on \(tasksOnEventLoops ? "NIO's event loops" : "Swift's thread pool").")
do {
    try await configure(app, config: .fromEnvironment(environment, plan: plan))
    try await app.execute()
} catch let missing as AppHome.Missing {
    // The installation is incomplete: say where we looked, exit non-zero (no crash report).
    FileHandle.standardError.write(Data((missing.description + "\n").utf8))
    try? await app.asyncShutdown()
    exit(78)  // EX_CONFIG
} catch {
    // A failed command has printed its message; anything else is logged. Either way the exit
    // status is 1 — an error thrown out of top-level code would crash (SIGILL) with a backtrace.
    if !(error is CommandFailed) { app.logger.report(error: error) }
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
