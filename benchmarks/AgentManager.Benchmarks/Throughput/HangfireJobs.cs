using Hangfire.Common;
using Hangfire.States;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>The Hangfire job (a static no-op method, so no activator is involved) and the state filter
/// that counts jobs reaching Succeeded. Hangfire finds jobs by type and method name, so the run's
/// settings live in static fields, set before each run.</summary>
public static class HangfireJobs
{
    private static HopRecorder? s_hops;
    private static int s_target;
    private static int s_succeeded;
    private static TaskCompletionSource s_done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The job body: does nothing but record hop times on a chain.</summary>
    /// <param name="task">The task number.</param>
    public static void Run(int task) => TaskBody.Run(task, Volatile.Read(ref s_hops));

    internal static Task Reset(int target, HopRecorder? hops)
    {
        s_done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref s_succeeded, 0);
        Volatile.Write(ref s_target, target);
        Volatile.Write(ref s_hops, hops);
        return s_done.Task;
    }

    /// <summary>Counts every job that Hangfire moves to Succeeded.</summary>
    internal sealed class CountSucceeded : JobFilterAttribute, IApplyStateFilter
    {
        public void OnStateApplied(ApplyStateContext context, Hangfire.Storage.IWriteOnlyTransaction transaction)
        {
            if (context.NewState is SucceededState && Interlocked.Increment(ref s_succeeded) == Volatile.Read(ref s_target))
            {
                s_done.TrySetResult();
            }
        }

        public void OnStateUnapplied(ApplyStateContext context, Hangfire.Storage.IWriteOnlyTransaction transaction)
        {
        }
    }
}
