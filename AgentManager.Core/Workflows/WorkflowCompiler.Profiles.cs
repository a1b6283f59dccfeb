using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using AgentManager.Agents;
using AgentManager.Execution;

namespace AgentManager.Workflows;

internal sealed partial class WorkflowCompiler
{
    private readonly ConcurrentDictionary<string, IAgentRunner> _profileRunners = new(StringComparer.Ordinal);

    /// <summary>The runner of a catalog profile that declares one (<see cref="AgentProfile.Runner"/>), made
    /// once per agent id.</summary>
    private bool TryGetProfileRunner(string agentId, [NotNullWhen(true)] out IAgentRunner? runner)
    {
        runner = null;
        if (catalog is null || !catalog.TryGetProfile(agentId, out var profile) || profile.Runner is not { } process)
        {
            return false;
        }

        runner = _profileRunners.GetOrAdd(agentId, _ => new ProcessAgentRunner(process));
        return true;
    }

    private IEnumerable<string> ProfileRunnerIds() =>
        catalog?.Profiles.Where(profile => profile.Runner is not null).Select(profile => profile.AgentId) ?? [];

    private string NoRunnerHint(string agentId) => catalog is not null && catalog.TryGetProfile(agentId, out _)
        ? " (its profile declares no runner: register one with AddAgent, give the profile a runner, or add it to the workflow's Agents)"
        : "";

    /// <summary>Checks, when the workflow is created, what the attempts of a task will need from its agent's
    /// profile, so that a broken profile fails the creation rather than the run: the workdir root of a task
    /// without its own workdir must resolve under the work root (and exist when it may not be created); a
    /// shared root becomes the resource key <c>workdir:&lt;root&gt;</c>, so its tasks run one at a time.</summary>
    /// <returns>The profile's runner timeout, if any.</returns>
    private TimeSpan? CheckProfile(TaskDefinition task, string agentId, string workRoot, List<string> resources, List<string> errors)
    {
        if (catalog is null || !catalog.TryGetProfile(agentId, out var profile))
        {
            return null;
        }

        if (task.Workdir is null)
        {
            var settings = profile.Workdir;
            if (!WorkdirPath.TryResolve(workRoot, settings.Root ?? TaskWorkdir.Segment(agentId), out var root, out var error))
            {
                errors.Add($"Task '{task.Id}': agent '{agentId}' workdir.root: {error}");
            }
            else if (!settings.CreateIfMissing && !Directory.Exists(root))
            {
                errors.Add($"Task '{task.Id}': agent '{agentId}' workdir.root: the directory '{root}' does not exist and create_if_missing is false.");
            }
            else if (settings.Mode == WorkdirMode.Shared && !resources.Contains("workdir:" + root, StringComparer.Ordinal))
            {
                resources.Add("workdir:" + root);
            }
        }

        return profile.RunnerTimeout;
    }
}
