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
        var declared = definition.Tasks;

        // The task ids are checked and indexed once, into the index the graph keeps: a task's graph index is its position
        // among the tasks compiled, so the dependencies are resolved here once, to indexes, and the graph is loaded
        // from them without hashing an id again. Sized once: no grown copies.
        var index = new TaskIndex(declared.Count);
        var ids = new string[declared.Count];
        var compiled = 0;
        var declaredEdges = 0;
        for (var i = 0; i < declared.Count; i++)
        {
            var task = declared[i];
            if (task is null)
            {
                errors.Add("The task list contains a null entry.");
            }
            else if (!Ids.IsValid(task.Id))
            {
                errors.Add("Task id " + Ids.Describe(task.Id));
            }
            else
            {
                if (!index.TryAdd(task.Id, compiled))
                {
                    errors.Add($"Task id '{task.Id}' is used more than once; task ids must be unique.");
                }

                ids[compiled++] = task.Id;
                declaredEdges += task.DependenciesOrEmpty.Count;
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
        var tasks = new TaskRuntime[compiled];
        var edges = new DependencyRows(compiled, declaredEdges);
        var everyIdValid = compiled == declared.Count;
        var scope = new CompileScope(workRoot, errors);
        var ordinal = 0;
        for (var i = 0; i < declared.Count; i++)
        {
            var task = declared[i];
            if (!everyIdValid && (task is null || !Ids.IsValid(task.Id)))
            {
                continue;
            }

            var dependencies = ResolveDependencies(task, ordinal, index, ids, edges, errors);
            tasks[ordinal] = CompileTask(definition, task, scope, run, ordinal, dependencies);
            ordinal++;
        }

        edges.End(compiled);
        if (definition.Budget is { } budget)
        {
            errors.AddRange(budget.Validate("WorkflowDefinition.Budget."));
        }

        if (errors.Count == 0)
        {
            try
            {
                graph.Load(ids, index, edges.Offsets, edges.Prerequisites);
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

        run.Tasks = tasks;
        return run;
    }

    /// <summary>Checks a task's dependencies and adds each distinct one, as a graph index, to its row of
    /// <paramref name="edges"/>.</summary>
    /// <returns>The task's dependencies as declared (repeats kept), each known one as the instance of its task's id, so
    /// that the engine and the store keep no second copy of the names.</returns>
    private static string[] ResolveDependencies(TaskDefinition task, int ordinal, TaskIndex index, string[] ids, DependencyRows edges, List<string> errors)
    {
        var declared = task.DependenciesOrEmpty;
        edges.StartRow(ordinal);
        if (declared.Count == 0)
        {
            return [];
        }

        var names = new string[declared.Count];
        for (var d = 0; d < declared.Count; d++)
        {
            var dependency = declared[d];
            names[d] = dependency;
            if (dependency == task.Id)
            {
                errors.Add($"Task '{task.Id}' depends on itself.");
            }
            else if (dependency is null || !index.TryGetValue(dependency, out var prerequisite))
            {
                errors.Add($"Task '{task.Id}' depends on '{dependency}', which is not a task of this workflow.");
            }
            else
            {
                names[d] = ids[prerequisite];
                edges.AddDistinct(ordinal, prerequisite); // a repeat is skipped, the first occurrence kept
            }
        }

        return names;
    }

    private TaskRuntime CompileTask(WorkflowDefinition definition, TaskDefinition task, CompileScope scope, WorkflowRun run, int ordinal, string[] dependencies)
    {
        var (workRoot, errors) = (scope.WorkRoot, scope.Errors);
        var agentId = task.AgentId ?? definition.DefaultAgentId;
        IAgentRunner? runner = null;
        if (agentId is null)
        {
            errors.Add($"Task '{task.Id}' names no agent and the workflow has no DefaultAgentId.");
        }
        else if (string.Equals(agentId, scope.ResolvedAgentId, StringComparison.Ordinal))
        {
            runner = scope.ResolvedRunner; // the agent of the task before: tasks of a workflow mostly share one
        }
        else if (!TryResolve(definition, agentId, out runner))
        {
            errors.Add($"Task '{task.Id}' names agent '{agentId}', which is not registered{NoRunnerHint(agentId)}; known agents: {KnownAgents(definition)}.");
        }
        else
        {
            (scope.ResolvedAgentId, scope.ResolvedRunner) = (agentId, runner);
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
            Dependencies = dependencies,
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

        /// <summary>Gets or sets the last agent id resolved to a runner, and its runner: looked up once, not once per task
        /// (two dictionaries and the catalog).</summary>
        public string? ResolvedAgentId { get; set; }

        public IAgentRunner? ResolvedRunner { get; set; }

        /// <summary>Gets or sets the previous task's profile, which the next task uses when its settings are the same.</summary>
        public TaskProfile? LastProfile { get; set; }
    }

    private sealed record LadderSpec(RepairPolicy Policy, IAgentRunner? RepairRunner, IAgentRunner? EscalationRunner);
}
