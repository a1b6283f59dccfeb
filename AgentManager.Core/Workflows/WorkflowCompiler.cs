using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AgentManager.Agents;
using AgentManager.Execution;
using AgentManager.Graph;

namespace AgentManager.Workflows;

/// <summary>Validates a <see cref="WorkflowDefinition"/> and turns it into a <see cref="WorkflowRun"/>,
/// collecting every broken rule before it gives up.</summary>
internal sealed partial class WorkflowCompiler(AgentManagerOptions options, AgentRegistry agents, TimeProvider time, AgentCatalog? catalog = null)
{
    // Called once per workflow, so it never reaches the optimized tier: its loops over every task would run as
    // unoptimized code until on-stack replacement, which was most of a 100,000-task create.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public WorkflowRun Compile(WorkflowDefinition definition, DateTimeOffset? createdAt = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<string>();
        var workflowId = definition.Id ?? "wf-" + Guid.NewGuid().ToString("N");
        if (!Ids.IsValid(workflowId))
        {
            errors.Add("Workflow id " + Ids.Describe(workflowId));
        }

        if (definition.Tasks.Count == 0)
        {
            errors.Add("A workflow needs at least one task.");
        }

        var workRoot = Path.GetFullPath(definition.WorkRoot ?? Path.Combine(options.WorkRoot, Ids.IsValid(workflowId) ? workflowId : "invalid"));
        var ids = new HashSet<string>(definition.Tasks.Count, StringComparer.Ordinal); // sized once: no grown copies
        foreach (var task in definition.Tasks)
        {
            if (task is null)
            {
                errors.Add("The task list contains a null entry.");
            }
            else if (!Ids.IsValid(task.Id))
            {
                errors.Add("Task id " + Ids.Describe(task.Id));
            }
            else if (!ids.Add(task.Id))
            {
                errors.Add($"Task id '{task.Id}' is used more than once; task ids must be unique.");
            }
        }

        // The run and its tasks are made while the definition is checked (and dropped if it is refused): a working list
        // of per-task specs would cost ~64 bytes per task on the large object heap, garbage right after create.
        var graph = new TaskGraph();
        var run = new WorkflowRun(
            workflowId,
            definition.Name,
            workRoot,
            graph,
            new Dictionary<string, string>(definition.Metadata, StringComparer.Ordinal),
            createdAt ?? time.GetUtcNow())
        {
            Budget = definition.Budget?.Clone(),
        };
        var tasks = new TaskRuntime[definition.Tasks.Count];
        var count = 0;
        var dependencies = new List<TaskDependency>();
        var scope = new CompileScope(workRoot, errors);
        foreach (var task in definition.Tasks)
        {
            if (task is null || !Ids.IsValid(task.Id))
            {
                continue;
            }

            // Duplicates are skipped, the first occurrence kept. A short list is searched in place: most tasks
            // have a few dependencies, and a set per task cost ~360 B per task on the `layers` benchmark (3 each).
            var declared = task.DependenciesOrEmpty;
            var deduplicated = declared.Count > ShortDependencyList;
            var listed = deduplicated ? declared.Distinct(StringComparer.Ordinal).ToArray() : declared;
            for (var d = 0; d < listed.Count; d++)
            {
                var dependency = listed[d];
                if (deduplicated || !RepeatsAnEarlier(listed, d))
                {
                    AddDependency(task, dependency, ids, dependencies, errors);
                }
            }

            tasks[count] = CompileTask(definition, task, scope, run, count);
            count++;
        }

        if (definition.Budget is { } budget)
        {
            errors.AddRange(budget.Validate("WorkflowDefinition.Budget."));
        }

        if (errors.Count == 0)
        {
            try
            {
                graph.AddRange(tasks.Select(t => t.Id), dependencies);
            }
            catch (DependencyCycleException cycle)
            {
                errors.Add(cycle.Message);
            }
        }

        if (errors.Count > 0)
        {
            // A workflow-wide policy that names an unknown agent is reported once, not once per task.
            throw new WorkflowValidationException(errors.Distinct(StringComparer.Ordinal).ToArray());
        }

        var indexCount = 0;
        var inOrder = true;
        foreach (var task in tasks)
        {
            task.Index = graph.IndexOf(task.Id);
            indexCount = Math.Max(indexCount, task.Index + 1);
            inOrder &= task.Index == task.Ordinal;
        }

        // A new graph numbers the tasks in definition order: then one array serves both orders.
        var byIndex = inOrder && indexCount == tasks.Length ? tasks : new TaskRuntime[indexCount];
        if (byIndex != tasks)
        {
            foreach (var task in tasks)
            {
                byIndex[task.Index] = task;
            }
        }

        run.Tasks = tasks;
        run.TasksByIndex = byIndex;
        return run;
    }

    private const int ShortDependencyList = 16;

    private static bool RepeatsAnEarlier(IReadOnlyList<string> list, int index)
    {
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(list[i], list[index], StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void AddDependency(TaskDefinition task, string dependency, HashSet<string> ids, List<TaskDependency> dependencies, List<string> errors)
    {
        if (dependency == task.Id)
        {
            errors.Add($"Task '{task.Id}' depends on itself.");
        }
        else if (!ids.Contains(dependency))
        {
            errors.Add($"Task '{task.Id}' depends on '{dependency}', which is not a task of this workflow.");
        }
        else
        {
            dependencies.Add(new TaskDependency(task.Id, dependency));
        }
    }

    private TaskRuntime CompileTask(WorkflowDefinition definition, TaskDefinition task, CompileScope scope, WorkflowRun run, int ordinal)
    {
        var (workRoot, errors) = (scope.WorkRoot, scope.Errors);
        var agentId = task.AgentId ?? definition.DefaultAgentId;
        IAgentRunner? runner = null;
        if (agentId is null)
        {
            errors.Add($"Task '{task.Id}' names no agent and the workflow has no DefaultAgentId.");
        }
        else if (!TryResolve(definition, agentId, out runner))
        {
            errors.Add($"Task '{task.Id}' names agent '{agentId}', which is not registered{NoRunnerHint(agentId)}; known agents: {KnownAgents(definition)}.");
        }

        if (task.MaxAttempts is < 1)
        {
            errors.Add($"Task '{task.Id}' has MaxAttempts {task.MaxAttempts}; it must be at least 1.");
        }

        if (task.Budget is { } budget)
        {
            errors.AddRange(budget.Validate($"Task '{task.Id}' Budget."));
        }

        if (task.Timeout is { } timeout && TimerLimit.CheckPositive($"Task '{task.Id}' Timeout", timeout) is { } timeoutError)
        {
            errors.Add(timeoutError);
        }

        var resources = scope.Resources;
        resources.Clear();
        foreach (var resource in task.ResourcesOrEmpty)
        {
            if (string.IsNullOrWhiteSpace(resource))
            {
                errors.Add($"Task '{task.Id}' declares a blank resource key.");
            }
            else if (!resources.Contains(resource, StringComparer.Ordinal))
            {
                resources.Add(resource);
            }
        }

        string? workdir = null;
        if (task.Workdir is not null)
        {
            if (WorkdirPath.TryResolve(workRoot, task.Workdir, out var full, out var error))
            {
                workdir = full;
                resources.Add("workdir:" + workdir);
            }
            else
            {
                errors.Add($"Task '{task.Id}': {error}");
            }
        }

        var profileTimeout = agentId is null ? null : CheckProfile(task, agentId, workRoot, resources, errors);
        if (task.ArtifactsOrEmpty.Count > 0 && task.Workdir is null)
        {
            errors.Add($"Task '{task.Id}' declares artifacts but no workdir; artifacts are paths relative to the workdir.");
        }

        foreach (var artifact in task.ArtifactsOrEmpty)
        {
            if (artifact is null || WorkdirPath.CheckRelative(artifact) is { } artifactError)
            {
                errors.Add($"Task '{task.Id}' artifact: {(artifact is null ? "a null path" : WorkdirPath.CheckRelative(artifact))}");
            }
        }

        // Tasks without a ladder of their own share one compiled copy of the workflow's or the engine's.
        var repair = task.Repair is not null ? CompileRepair(definition, task, errors) : scope.SharedRepair ??= CompileRepair(definition, task, errors);
        var maxAttempts = task.MaxAttempts ?? options.Retry.MaxAttempts;
        var timeLimit = task.Timeout ?? profileTimeout ?? options.DefaultTaskTimeout;
        var prompt = task.Prompt ?? string.Empty;
        var profile = scope.LastProfile;
        if (profile is null
            || task.ArtifactsOrEmpty.Count > 0 || task.MetadataOrEmpty.Count > 0
            || !profile.Matches(prompt, agentId!, runner!, CollectionsMarshal.AsSpan(resources), workdir, maxAttempts, timeLimit, task.Verifier, repair.Policy))
        {
            profile = new TaskProfile
            {
                Prompt = prompt,
                AgentId = agentId!,
                Runner = runner!,
                Resources = resources.ToArray(),
                Workdir = workdir,
                MaxAttempts = maxAttempts,
                Timeout = timeLimit,
                Verifier = task.Verifier,
                Artifacts = task.ArtifactsOrEmpty.Count == 0 ? [] : [.. task.ArtifactsOrEmpty],
                Metadata = task.MetadataOrEmpty.Count == 0 ? ReadOnlyDictionary<string, string>.Empty : new Dictionary<string, string>(task.MetadataOrEmpty, StringComparer.Ordinal),
                Repair = repair.Policy,
                RepairRunner = repair.RepairRunner,
                EscalationRunner = repair.EscalationRunner,
            };
        }

        scope.LastProfile = profile;
        return new TaskRuntime
        {
            Run = run,
            Ordinal = ordinal,
            Id = task.Id,
            Title = task.Title,
            Priority = task.Priority,
            Profile = profile,
            Dependencies = task.DependenciesOrEmpty.Count == 0 ? [] : [.. task.DependenciesOrEmpty],
            Budget = task.Budget?.Clone(),
        };
    }

    /// <summary>Picks the task's repair policy (its own, else the workflow's, else the engine's), copies it and
    /// finds the runners of the agents it names.</summary>
    private LadderSpec CompileRepair(WorkflowDefinition definition, TaskDefinition task, List<string> errors)
    {
        var (policy, source) = task.Repair is { } own ? (own, $"Task '{task.Id}' Repair")
            : definition.Repair is { } shared ? (shared, "WorkflowDefinition.Repair")
            : (options.Repair, "AgentManagerOptions.Repair");
        var problems = policy.Validate(source + ".");
        errors.AddRange(problems);
        var copy = policy.Clone();
        if (problems.Count > 0)
        {
            return new LadderSpec(copy, null, null);
        }

        return new LadderSpec(copy, Resolve(RepairLevel.Repair), Resolve(RepairLevel.Escalation));

        IAgentRunner? Resolve(RepairLevel level)
        {
            if (!copy.Uses(level))
            {
                return null;
            }

            var agentId = copy.AgentOf(level)!;
            if (TryResolve(definition, agentId, out var runner))
            {
                return runner;
            }

            var property = level == RepairLevel.Repair ? nameof(RepairPolicy.RepairAgentId) : nameof(RepairPolicy.EscalationAgentId);
            errors.Add($"{source}.{property} names agent '{agentId}', which is not registered; known agents: {KnownAgents(definition)}.");
            return null;
        }
    }

    private bool TryResolve(WorkflowDefinition definition, string agentId, out IAgentRunner runner) =>
        definition.Agents.TryGetValue(agentId, out runner!) || agents.TryGet(agentId, out runner) || TryGetProfileRunner(agentId, out runner!);

    private string KnownAgents(WorkflowDefinition definition)
    {
        var known = definition.Agents.Keys.Concat(agents.AgentIds).Concat(ProfileRunnerIds()).Distinct().Order(StringComparer.Ordinal).ToArray();
        return known.Length == 0 ? "none" : string.Join(", ", known);
    }

    /// <summary>What the compilation of one workflow shares between its tasks.</summary>
    private sealed class CompileScope(string workRoot, List<string> errors)
    {
        public string WorkRoot { get; } = workRoot;

        public List<string> Errors { get; } = errors;

        /// <summary>Gets a scratch list for one task's resource keys at a time.</summary>
        public List<string> Resources { get; } = [];

        public LadderSpec? SharedRepair { get; set; }

        /// <summary>Gets or sets the previous task's profile, which the next task uses when its settings are the same.</summary>
        public TaskProfile? LastProfile { get; set; }
    }

    private sealed record LadderSpec(RepairPolicy Policy, IAgentRunner? RepairRunner, IAgentRunner? EscalationRunner);
}
