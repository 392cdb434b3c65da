import CSwiftHooks
import NIOCore
import NIOPosix

/// Where the server's Swift tasks run: on NIO's event loops, the threads that read and write the
/// connections, instead of Swift's own thread pool.
///
/// With Swift's pool, every request went from the event loop that read it to a pool thread for
/// its handler and back to the loop for the answer: two thread wake-ups per request, and more per
/// `await`. Under load on two cores that cost more than the page: the group week answered 1,350
/// requests a second with the pool and 1,850 on the event loops (`wrk -t2 -c64`, docs/performance.md),
/// and one request at a time did not change.
///
/// What it asks of the code: nothing may block a task for long (it would hold up the connections of
/// its loop too) and nothing may `wait()` on a future. Passwords are hashed on the thread pool
/// (`req.password.async`), SQLite writes run on SQLiteNIO's threads, and reads are short statements.
///
/// This is what NIO's `unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`
/// does, except that the hook is found by the linker (`CSwiftHooks`): NIO looks it up with
/// `dlsym`, which cannot see it in the release package, whose Swift runtime is linked in statically
/// with its symbols hidden.
public enum TaskExecution {
    /// `GIAOBAN_TASK_EXECUTOR=pool` keeps Swift's own thread pool (a way back should a library ever
    /// wait on the event loop); anything else, or nothing, runs tasks on the event loops.
    static func onEventLoops(_ environment: [String: String]) -> Bool {
        environment["GIAOBAN_TASK_EXECUTOR"]?.lowercased() != "pool"
    }

    /// The hook's type, as Swift's runtime calls it: the job, and the runtime's own enqueue (unused).
    private typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Called once, first thing on the main thread, before any task starts. Whether the event
    /// loops took over (not when something else installed a hook first).
    @discardableResult
    public static func install(environment: [String: String]) -> Bool {
        guard onEventLoops(environment) else { return false }
        let hook = giaoban_swift_enqueue_global_hook()
        guard hook.pointee == nil else { return false }
        return withUnsafeTemporaryAllocation(of: EnqueueGlobalHook.self, capacity: 1) { function in
            // Each job goes to the loop it is enqueued from (`any()` is the current loop when
            // called on one), else to the next loop of the group.
            function.baseAddress!.initialize(to: { job, _ in
                MultiThreadedEventLoopGroup.singleton.any().enqueue(ExecutorJob(job))
            })
            return function.baseAddress!.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: 1) { pointer in
                hook.pointee = pointer.pointee
                return hook.pointee != nil
            }
        }
    }
}
