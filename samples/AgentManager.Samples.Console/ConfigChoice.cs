using AgentManager.Agents;
using AgentManager.Hooks;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Samples.Console;

/// <summary><c>--config DIR</c>: the configuration directory of agent profiles, templates and
/// <c>hooks.json</c>; none by default.</summary>
internal sealed class ConfigChoice
{
    public string? Directory { get; set; }

    public bool TryParse(string[] args, ref int i)
    {
        if (args[i] != "--config")
        {
            return false;
        }

        Directory = i + 1 < args.Length && !string.IsNullOrWhiteSpace(args[i + 1])
            ? System.IO.Path.GetFullPath(args[++i])
            : throw new UsageException("--config needs a directory.");
        return true;
    }

    /// <summary>Adds the plan file's agents as profiles (so they are known assignees) and then the
    /// configuration directory, whose profiles replace them.</summary>
    public void Apply(IAgentManagerBuilder builder, IEnumerable<AgentProfile> planAgents)
    {
        foreach (var profile in planAgents)
        {
            builder.AddAgentProfile(profile);
        }

        if (Directory is not null)
        {
            builder.AddConfigurationDirectory(Directory);
        }
    }

    /// <summary>Writes a configuration error, one problem a line, and tells whether it was one (for catch
    /// filters, so it writes synchronously).</summary>
    public static bool Report(Exception error, TextWriter stderr)
    {
        IReadOnlyList<string>? problems = error switch
        {
            AgentConfigurationException agents => agents.Errors,
            HookConfigurationException hooks => hooks.Errors,
            _ => null,
        };
        if (problems is null)
        {
            return false;
        }

        stderr.WriteLine(problems.Count == 1 ? "Configuration error:" : $"Configuration errors ({problems.Count}):");
        foreach (var problem in problems)
        {
            stderr.WriteLine("  " + problem);
        }

        return true;
    }
}
