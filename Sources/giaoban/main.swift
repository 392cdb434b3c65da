import App
import Vapor

// What this run does is decided from the arguments first (`CommandLinePlan`): `giaoban demo`
// is `giaoban serve` on ./giaoban-demo.sqlite with the demo commune loaded; help and `routes`
// open no database.
let plan = CommandLinePlan.decide(CommandLine.arguments)

var environment = try Environment.detect(arguments: plan.arguments)
try LoggingSystem.bootstrap(from: &environment)
let app = try await Application.make(environment)
do {
    try await configure(app, config: .fromEnvironment(environment, plan: plan))
    try await app.execute()
} catch {
    // A failed command has printed its message; anything else is logged. Either way the exit
    // status is 1 — an error thrown out of top-level code would crash (SIGILL) with a backtrace.
    if !(error is CommandFailed) { app.logger.report(error: error) }
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
