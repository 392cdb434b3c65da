/// What one run of the executable will do, decided from its arguments alone before anything
/// is opened: which arguments Vapor gets, whether the database is opened at all, and whether
/// migrations and the first-admin bootstrap run.
///
/// A request for help (`--help`, `-h`, `help`, `<command> --help`) and `routes` only print: they
/// must not create `./giaoban.sqlite`, migrate it or print a new admin password (issue 17).
public struct CommandLinePlan: Equatable, Sendable {
    /// The arguments for Vapor: `demo` becomes `serve`, and `help [command]` becomes
    /// `[command] --help`, which Vapor's command group understands.
    public var arguments: [String]
    /// The `demo` command: serve the demo commune from its own file.
    public var demo: Bool
    /// Register the database (which creates an SQLite file that does not exist yet).
    public var opensDatabase: Bool
    /// Run migrations, the first-admin bootstrap and the reminder scheduler while configuring.
    public var migrates: Bool

    /// Commands that only print and need no database.
    static let printingCommands: Set<String> = ["routes"]
    static let helpFlags: Set<String> = ["--help", "-h", "help"]

    public static func decide(_ commandLine: [String]) -> CommandLinePlan {
        var arguments = commandLine.isEmpty ? ["giaoban"] : commandLine
        var demo = false
        if arguments.count > 1, arguments[1] == "help" {
            // `giaoban help` → `giaoban --help`; `giaoban help serve` → `giaoban serve --help`.
            arguments.remove(at: 1)
            arguments.append("--help")
        }
        if arguments.count > 1, arguments[1] == "demo" {
            arguments[1] = "serve"
            demo = true
        }
        let rest = arguments.dropFirst()
        let asksForHelp = rest.contains { helpFlags.contains($0) }
        // Vapor runs `serve` when no command is named (only options, or nothing).
        let command = rest.first.flatMap { $0.hasPrefix("-") ? nil : $0 } ?? "serve"
        let onlyPrints = asksForHelp || printingCommands.contains(command)
        return CommandLinePlan(arguments: arguments, demo: demo, opensDatabase: !onlyPrints,
                               migrates: !onlyPrints && command == "serve")
    }
}
