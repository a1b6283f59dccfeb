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

    /// <summary>Builds the services of a host on the store file a run wrote, or says on <paramref name="stderr"/> that
    /// there is none.</summary>
    /// <param name="use">What the command does with the file, for the message.</param>
    /// <returns>The services, or <see langword="null"/> when the file does not exist (or <c>--in-memory</c> was given).</returns>
    public async Task<ServiceProvider?> OpenExistingAsync(string use, TextWriter stderr)
    {
        if (Path is null || !File.Exists(Path))
        {
            await stderr.WriteLineAsync($"No state store at '{Path ?? "(in-memory)"}'; {use} (pass --db PATH).");
            return null;
        }

        var services = new ServiceCollection();
        Apply(services.AddAgentManager());
        return services.BuildServiceProvider();
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
