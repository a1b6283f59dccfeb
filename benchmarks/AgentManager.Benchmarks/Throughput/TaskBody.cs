namespace AgentManager.Benchmarks.Throughput;

/// <summary>What every engine runs as a task: nothing, apart from recording hop times on a chain.</summary>
internal static class TaskBody
{
    public static void Run(int task, HopRecorder? hops)
    {
        if (hops is not null)
        {
            hops.Started(task);
            hops.Finished(task);
        }
    }
}
