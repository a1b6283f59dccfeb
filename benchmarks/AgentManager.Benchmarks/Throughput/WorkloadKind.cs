using AgentManager.Benchmarks.Cli;

namespace AgentManager.Benchmarks.Throughput;

/// <summary>The dependency shapes of the throughput runner.</summary>
internal enum WorkloadKind
{
    /// <summary>N tasks without dependencies.</summary>
    Independent,

    /// <summary>A tree of branching factor 4: every task but the root has one parent.</summary>
    Tree,

    /// <summary>One chain: every task but the first depends on the one before.</summary>
    Chain,

    /// <summary>N/1000 layers of width 1000; task j of layer k+1 depends on tasks j, j+1, j+2 (mod 1000) of layer k.</summary>
    Layers,
}

internal static class WorkloadKinds
{
    public static IReadOnlyList<WorkloadKind> All { get; } = [WorkloadKind.Independent, WorkloadKind.Tree, WorkloadKind.Chain, WorkloadKind.Layers];

    public static string Name(this WorkloadKind kind) => kind switch
    {
        WorkloadKind.Independent => "independent",
        WorkloadKind.Tree => "tree",
        WorkloadKind.Chain => "chain",
        WorkloadKind.Layers => "layers",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static WorkloadKind Parse(string name) =>
        All.FirstOrDefault(k => k.Name() == name, (WorkloadKind)(-1)) is var kind && kind >= 0
            ? kind
            : throw new UsageException($"Unknown workload '{name}'; use one of {string.Join(", ", All.Select(k => k.Name()))}.");
}
