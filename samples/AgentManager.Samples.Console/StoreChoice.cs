using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Samples.Console;

/// <summary>Where the sample keeps state: the SQLite file by default, <c>--db PATH</c> to choose it,
/// <c>--in-memory</c> for nothing durable.</summary>
internal sealed class StoreChoice
{
    public const string DefaultPath = "agentmanager-data/agentmanager.db";

    public string? Path { get; private set; } = DefaultPath;

    public bool TryParse(string[] args, ref int i)
    {
        switch (args[i])
        {
            case "--db":
                Path = i + 1 < args.Length && !string.IsNullOrWhiteSpace(args[i + 1]) ? args[++i] : throw new UsageException("--db needs a database file path.");
                return true;
            case "--in-memory":
                Path = null;
                return true;
            default:
                return false;
        }
    }

    public void Apply(IAgentManagerBuilder builder)
    {
        if (Path is not null)
        {
            var checkpoints = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!, "checkpoints");
            builder.UseSqliteStore(o => o.Path = Path).UseFileCheckpoints(o => o.RootDirectory = checkpoints);
        }
    }
}
