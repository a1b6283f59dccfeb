namespace AgentManager.Benchmarks.Throughput;

/// <summary>What the throughput runner runs before the timed run. By default one small workload of the same shape
/// (1,000 tasks; 2,000 on layers), which leaves the tiered JIT hundreds of methods to compile during the timed run, as
/// a fresh process's first large run meets them. <see cref="Steady"/> measures a long-running process instead: rounds
/// of the workload's shape until the JIT has settled (see <see cref="SteadyWarmUp"/>).</summary>
/// <param name="Count">The size of each warm-up workload, or 0 for the default.</param>
/// <param name="Steady">Whether to warm up in rounds until the JIT settles.</param>
internal sealed record WarmUp(int Count = 0, bool Steady = false)
{
    /// <summary>The largest default round of a steady-state warm-up.</summary>
    public const int MaxSteadyRound = 20_000;

    /// <summary>The size of the warm-up workload for <paramref name="workload"/>: the given count, or a fifth of the
    /// timed workload (1,000 to 20,000 tasks, whole layers) when steady, or 1,000 tasks (2,000 on layers).</summary>
    public int SizeFor(Workload workload)
    {
        if (Count > 0)
        {
            return Count;
        }

        var layers = workload.Kind == WorkloadKind.Layers;
        if (!Steady)
        {
            return layers ? 2 * Workload.LayerWidth : 1000;
        }

        var size = Math.Clamp(workload.Count / 5, 1000, MaxSteadyRound);
        return layers ? Math.Max(2, size / Workload.LayerWidth) * Workload.LayerWidth : size;
    }

    /// <summary>Describes the warm-up for a table's heading.</summary>
    public string Describe() => (Steady, Count) switch
    {
        (true, > 0) => $"a steady-state warm-up (rounds of {Count:N0} tasks until a round and the pause after it compile at most {SteadyWarmUp.SettledMethods} methods)",
        (true, _) => $"a steady-state warm-up (rounds of a fifth of the workload, 1,000 to {MaxSteadyRound:N0} tasks, until a round and the pause after it compile at most {SteadyWarmUp.SettledMethods} methods)",
        (false, > 0) => $"a warm-up of {Count:N0} tasks",
        _ => "the default warm-up (1,000 tasks; 2,000 on layers)",
    };
}
