@testable import App
import Testing

@Suite("Command line: what a run opens")
struct CommandLinePlanTests {
    @Test("help and routes open no database, migrate nothing, create no admin", arguments: [
        ["giaoban", "--help"], ["giaoban", "-h"], ["giaoban", "help"], ["giaoban", "help", "serve"],
        ["giaoban", "serve", "--help"], ["giaoban", "migrate", "--help"], ["giaoban", "backup", "-h"],
        ["giaoban", "demo", "--help"], ["giaoban", "routes"], ["giaoban", "routes", "--env", "production"],
        ["giaoban", "serve", "--port", "8081", "--help"],
    ])
    func printsOnly(arguments: [String]) {
        let plan = CommandLinePlan.decide(arguments)
        #expect(!plan.opensDatabase)
        #expect(!plan.migrates)
    }

    @Test("help is given to Vapor as --help, after the command it asks about")
    func helpArguments() {
        #expect(CommandLinePlan.decide(["giaoban", "help"]).arguments == ["giaoban", "--help"])
        #expect(CommandLinePlan.decide(["giaoban", "help", "backup"]).arguments == ["giaoban", "backup", "--help"])
        #expect(CommandLinePlan.decide(["giaoban", "help", "demo"]).arguments == ["giaoban", "serve", "--help"])
        #expect(CommandLinePlan.decide(["giaoban", "help", "demo"]).demo)
    }

    @Test("serving migrates and bootstraps; demo serves its own commune")
    func serving() {
        for arguments in [["giaoban"], ["giaoban", "serve"], ["giaoban", "--port", "8081"],
                          ["giaoban", "serve", "--env", "production", "--hostname", "0.0.0.0"]] {
            let plan = CommandLinePlan.decide(arguments)
            #expect(plan.opensDatabase && plan.migrates && !plan.demo, "\(arguments)")
            #expect(plan.arguments == arguments)
        }
        let demo = CommandLinePlan.decide(["giaoban", "demo", "--port", "8092"])
        #expect(demo == CommandLinePlan(arguments: ["giaoban", "serve", "--port", "8092"], demo: true, opensDatabase: true, migrates: true))
        #expect(CommandLinePlan.decide([]).arguments == ["giaoban"])
    }

    @Test("other commands open the database without migrating at start")
    func otherCommands() {
        for command in ["migrate", "backup", "restore", "generate", "boot"] {
            let plan = CommandLinePlan.decide(["giaoban", command, "x"])
            #expect(plan.opensDatabase && !plan.migrates, "\(command)")
        }
    }
}

import Foundation

extension CommandLinePlanTests {
    /// The built executable, run in an empty folder with the default database path: a help or
    /// routes command leaves the folder empty and prints no password.
    @Test("the built executable: help and routes leave an empty folder", .enabled(if: BackupRestoreTests.binary != nil),
          arguments: [["--help"], ["help"], ["serve", "--help"], ["migrate", "--help"], ["routes"]])
    func executableTouchesNothing(arguments: [String]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gb-help-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (status, output) = try BackupRestoreTests.run(arguments, environment: [:], in: folder)
        #expect(status == 0, "\(output)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == [], "\(output)")
        #expect(!output.contains("mật khẩu"), "\(output)")
        if arguments == ["routes"] { #expect(output.contains("/api/v1/reports")) }
        else { #expect(output.lowercased().contains("usage")) }
    }
}
