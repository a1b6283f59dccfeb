using System.Globalization;
using System.Text.Json;
using AgentManager.Agents;
using AgentManager.Events;
using AgentManager.Hooks;
using AgentManager.Lifecycle;
using AgentManager.Plans;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentManager.Samples.Console;

/// <summary><c>run &lt;plan.json&gt; [--workdir DIR] [--concurrency N] [--config DIR]</c>: takes a plan file
/// through the plan service as a user would (create, confirm with its hooks), then runs its workflow to the end.</summary>
internal static class RunCommand
{
    public const int Success = 0;
    public const int WorkflowFailed = 1;
    public const int BadInput = 2;

    /// <summary>The workflow metadata key that remembers which plan file a workflow came from, for resume.</summary>
    public const string PlanPathKey = "plan_path";

    /// <summary>The workflow metadata key that remembers the <c>--config</c> directory, for resume.</summary>
    public const string ConfigDirectoryKey = "config_dir";

    private const string Usage = "usage: agentmanager-console run <plan.json> [--workdir DIR] [--concurrency N] [--config DIR] [--db PATH | --in-memory]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        RunArguments arguments;
        try
        {
            arguments = ParseArguments(args);
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            await stderr.WriteLineAsync(Usage);
            return BadInput;
        }

        PlanFile file;
        try
        {
            file = await PlanFile.LoadAsync(arguments.Plan, cancellationToken);
        }
        catch (PlanFileException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            return BadInput;
        }

        var planId = file.Plan.PlanId!;
        var runId = string.Create(CultureInfo.InvariantCulture, $"{planId}-{Guid.NewGuid().ToString("N")[..8]}");
        using var host = BuildHost(arguments.Concurrency, arguments.Store, arguments.Config, file.Profiles);
        if (!await StartHostAsync(host, stderr, cancellationToken))
        {
            return BadInput;
        }

        var bus = host.Services.GetRequiredService<IEventBus>();
        await using var progress = bus.Subscribe(new EventFilter(runId), (e, _) => Report(stderr, e));
        try
        {
            var confirmed = await ConfirmAsync(host.Services.GetRequiredService<TaskPlanService>(), file, runId, stderr, cancellationToken);
            if (confirmed is null)
            {
                return BadInput;
            }

            var definition = PlanWorkflowBuilder.Build(confirmed, agentId => file.Agents.GetValueOrDefault(agentId));
            definition.Name = planId;
            foreach (var (agentId, runner) in file.Agents)
            {
                definition.Agents.TryAdd(agentId, runner);
            }

            file.ApplyRepairPolicies(definition);
            definition.WorkRoot = Path.GetFullPath(arguments.Workdir ?? Path.Combine("agentmanager-runs", planId));
            definition.Metadata[PlanPathKey] = Path.GetFullPath(arguments.Plan);
            if (arguments.Config.Directory is { } config)
            {
                definition.Metadata[ConfigDirectoryKey] = config;
            }

            return await RunWorkflowAsync(host.Services.GetRequiredService<IWorkflowEngine>(), definition, arguments.Plan, stdout, stderr, cancellationToken);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    public static IHost BuildHost(int concurrency, StoreChoice store, ConfigChoice? config = null, IEnumerable<AgentProfile>? planAgents = null)
    {
        var builder = Host.CreateApplicationBuilder([]);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        var agentManager = builder.Services.AddAgentManager(o => o.MaxConcurrency = concurrency);
        store.Apply(agentManager);
        (config ?? new ConfigChoice()).Apply(agentManager, planAgents ?? []);
        return builder.Build();
    }

    /// <summary>Starts the host, which reads the configuration; a bad profile or hooks file is reported, file
    /// by file, and the command ends.</summary>
    public static async Task<bool> StartHostAsync(IHost host, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            await host.StartAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ConfigChoice.Report(ex, stderr))
        {
            return false;
        }
    }

    public static Task WriteSummaryAsync(TextWriter stdout, WorkflowSummary summary) =>
        stdout.WriteLineAsync(JsonSerializer.Serialize(new
        {
            workflow_id = summary.WorkflowId,
            status = summary.Status.ToWireName(),
            tasks = summary.Tasks.Count,
            completed = summary.Completed,
            failed = summary.Failed,
            cancelled = summary.Cancelled,
            duration_ms = (long)summary.Duration.TotalMilliseconds,
        }));

    public static ValueTask Report(TextWriter stderr, AgentManagerEvent e)
    {
        var line = e switch
        {
            TaskEvent t when t.Transition.To is TaskState.Implementing => $"{t.Type,-24} {t.TaskId} (attempt {t.Transition.Attempt})",
            TaskEvent t when t.Transition.Reason is { } reason => $"{t.Type,-24} {t.TaskId}: {reason}",
            TaskEvent t => $"{t.Type,-24} {t.TaskId}",
            TaskEscalatedEvent t => $"{t.Type,-24} {t.TaskId}: {t.Reason}",
            HumanInboxEvent h => $"{h.Type,-24} {h.TaskId}: {h.Reason}",
            WorkflowEvent w when w.Reason is { } reason => $"{w.Type,-24} {w.WorkflowId}: {reason}",
            HookEvent h => $"{h.Type,-24} {h.HookName} ({h.Point.ToWireName()}){HookDetail(h)}",
            TaskPlanEvent p when p.Reason is { } reason => $"{p.Type,-24} {p.WorkflowId} v{p.Version}: {reason}",
            TaskPlanEvent p => $"{p.Type,-24} {p.WorkflowId} v{p.Version}",
            _ => $"{e.Type,-24} {e.WorkflowId}",
        };
        if (e is TaskEvent { Transition.To: TaskState.BlockedHitl } blocked)
        {
            line += $"{Environment.NewLine}    waiting for a human: agentmanager-console inbox complete|retry|fail|cancel {blocked.TaskId} --reason TEXT --workflow {blocked.WorkflowId}";
        }

        return new ValueTask(stderr.WriteLineAsync($"[{e.Timestamp:HH:mm:ss.fff}] {line}"));
    }

    private static string HookDetail(HookEvent hook)
    {
        var detail = hook.Reason ?? hook.OutputTail.TrimEnd().Split('\n')[^1];
        return detail.Length == 0 ? string.Empty : ": " + detail;
    }

    /// <summary>Creates the plan under the run's id and confirms it: the confirm rules and the blocking
    /// <c>before_task_plan_confirm</c> hooks decide; a refusal is reported and gives null.</summary>
    private static async Task<TaskPlan?> ConfirmAsync(TaskPlanService plans, PlanFile file, string runId, TextWriter stderr, CancellationToken cancellationToken)
    {
        var plan = file.Plan;
        try
        {
            var draft = await plans.CreateAsync(
                new NewTaskPlan
                {
                    PlanId = runId,
                    SourceTaskId = plan.SourceTaskId,
                    CreatedBy = plan.CreatedBy,
                    Items = plan.Items,
                    TemporaryRoles = plan.TemporaryRoles,
                    SelectedTemplates = plan.SelectedTemplates,
                    PreferredAssignees = plan.PreferredAssignees,
                    Metadata = plan.Metadata,
                },
                cancellationToken);
            return await plans.ConfirmAsync(draft.PlanId, draft.Version, cancellationToken);
        }
        catch (Exception ex) when (ex is PlanValidationException or PlanConfirmBlockedException)
        {
            await stderr.WriteLineAsync($"{file.Source}: {ex.Message}");
            return null;
        }
    }

    private static async Task<int> RunWorkflowAsync(IWorkflowEngine engine, WorkflowDefinition definition, string planPath, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string workflowId;
        try
        {
            workflowId = await engine.CreateAsync(definition, cancellationToken);
            await engine.StartAsync(workflowId, cancellationToken);
        }
        catch (Exception ex) when (ex is WorkflowValidationException or WorkflowStartBlockedException)
        {
            await stderr.WriteLineAsync($"{planPath}: {ex.Message}");
            return BadInput;
        }

        WorkflowSummary summary;
        try
        {
            summary = await engine.WaitForCompletionAsync(workflowId, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await engine.CancelAsync(workflowId, "Interrupted from the terminal.", CancellationToken.None);
            summary = await engine.WaitForCompletionAsync(workflowId, CancellationToken.None);
        }

        await WriteSummaryAsync(stdout, summary);
        return summary.Status == WorkflowStatus.Completed ? Success : WorkflowFailed;
    }

    private static RunArguments ParseArguments(string[] args)
    {
        string? plan = null;
        string? workdir = null;
        var concurrency = Environment.ProcessorCount;
        var store = new StoreChoice();
        var config = new ConfigChoice();
        for (var i = 0; i < args.Length; i++)
        {
            if (store.TryParse(args, ref i) || config.TryParse(args, ref i))
            {
                continue;
            }

            switch (args[i])
            {
                case "--workdir":
                    workdir = i + 1 < args.Length ? args[++i] : throw new UsageException("--workdir needs a directory.");
                    break;
                case "--concurrency":
                    var value = i + 1 < args.Length ? args[++i] : throw new UsageException("--concurrency needs a number.");
                    if (!int.TryParse(value, out concurrency) || concurrency < 1)
                    {
                        throw new UsageException($"--concurrency '{value}' is not a whole number of at least 1.");
                    }

                    break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal) || plan is not null)
                    {
                        throw new UsageException($"'{args[i]}' is not an option of run.");
                    }

                    plan = args[i];
                    break;
            }
        }

        return new RunArguments(plan ?? throw new UsageException("run needs a plan file."), workdir, concurrency, store, config);
    }

    private sealed record RunArguments(string Plan, string? Workdir, int Concurrency, StoreChoice Store, ConfigChoice Config);
}
