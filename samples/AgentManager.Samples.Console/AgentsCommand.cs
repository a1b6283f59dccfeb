using System.Text.Json;
using AgentManager.Agents;
using AgentManager.Plans;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Samples.Console;

/// <summary><c>agents [--config DIR] [--plan PLAN] [--json]</c>: lists the agent profiles a run would use,
/// with their references resolved: the built-ins, the plan file's agents, the configuration directory's files.</summary>
internal static class AgentsCommand
{
    private const string Usage = "usage: agentmanager-console agents [--config DIR] [--plan PLAN] [--json]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var config = new ConfigChoice();
        string? planPath = null;
        var json = false;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                if (config.TryParse(args, ref i))
                {
                    continue;
                }

                switch (args[i])
                {
                    case "--json":
                        json = true;
                        break;
                    case "--plan":
                        planPath = i + 1 < args.Length ? args[++i] : throw new UsageException("--plan needs a plan file.");
                        break;
                    default:
                        throw new UsageException($"'{args[i]}' is not an option of agents.");
                }
            }
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            await stderr.WriteLineAsync(Usage);
            return RunCommand.BadInput;
        }

        IReadOnlyList<AgentProfile> planAgents = [];
        if (planPath is not null)
        {
            try
            {
                planAgents = (await PlanFile.LoadAsync(planPath, cancellationToken)).Profiles;
            }
            catch (PlanFileException ex)
            {
                await stderr.WriteLineAsync(ex.Message);
                return RunCommand.BadInput;
            }
        }

        var services = new ServiceCollection();
        config.Apply(services.AddAgentManager(), planAgents);
        await using var provider = services.BuildServiceProvider();
        AgentCatalog catalog;
        try
        {
            catalog = provider.GetRequiredService<AgentCatalog>();
        }
        catch (Exception ex) when (ConfigChoice.Report(ex, stderr))
        {
            return RunCommand.BadInput;
        }

        var agents = catalog.Profiles.Select(p => catalog.Resolve(p.AgentId)).ToList();
        var fromPlan = planAgents.Select(p => p.AgentId).ToHashSet(StringComparer.Ordinal);
        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(agents.Select(agent => Describe(agent, fromPlan.Contains(agent.Profile.AgentId)))));
            return RunCommand.Success;
        }

        foreach (var agent in agents)
        {
            var profile = agent.Profile;
            var skills = agent.Skills.Count == 0 ? "-" : string.Join(", ", agent.Skills.Select(s => $"{s.Name}@{s.Version}"));
            var mcp = agent.McpServers.Count == 0 ? "-" : string.Join(", ", agent.McpServers.Select(s => $"{s.Name}@{s.Version}"));
            await stdout.WriteLineAsync($"{profile.AgentId,-16} {Wire(profile.Layer),-4} {Wire(profile.Workdir.Mode),-9} skills: {skills}; mcp: {mcp}; runner: {RunBy(profile, fromPlan.Contains(profile.AgentId))}");
        }

        return RunCommand.Success;
    }

    /// <summary>What runs the agent in <c>run</c>: the plan file's runner wins over the profile's own.</summary>
    private static string RunBy(AgentProfile profile, bool fromPlan) =>
        fromPlan ? "plan file" : profile.Runner is { } runner ? string.Join(' ', runner.Command) : "-";

    private static object Describe(ResolvedAgent agent, bool fromPlan)
    {
        var profile = agent.Profile;
        return new
        {
            agent_id = profile.AgentId,
            name = profile.Name,
            role = profile.Role,
            layer = Wire(profile.Layer),
            description = profile.Description,
            capabilities = profile.Capabilities,
            skills = agent.Skills.Select(s => new { name = s.Name, version = s.Version }),
            mcp_servers = agent.McpServers.Select(s => new { name = s.Name, version = s.Version }),
            missing = agent.Missing.Select(r => r.ToString()),
            workdir = new { root = profile.Workdir.Root, mode = Wire(profile.Workdir.Mode), create_if_missing = profile.Workdir.CreateIfMissing },
            runner = profile.Runner is { } runner ? new { command = runner.Command, timeout_seconds = profile.RunnerTimeout?.TotalSeconds } : null,
            run_by = fromPlan ? "plan file" : profile.Runner is null ? null : "profile",
            memory = profile.Memory is { } memory ? new { top_k = memory.TopK, min_score = memory.MinScore, max_chars = memory.MaxCharsPerMemory, @namespace = memory.Namespace, tags = memory.Tags } : null,
            metadata = profile.Metadata,
        };
    }

    private static string Wire<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
