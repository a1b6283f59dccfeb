using System.Text.Json;
using AgentManager.Events;
using AgentManager.Lifecycle;
using AgentManager.Plans;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentManager.Samples.Console;

/// <summary><c>run &lt;plan.json&gt; [--workdir DIR] [--concurrency N]</c>: runs a plan to the end.</summary>
internal static class RunCommand
{
    public const int Success = 0;
    public const int WorkflowFailed = 1;
    public const int BadInput = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string planPath;
        string? workdir;
        int concurrency;
        StoreChoice store;
        try
        {
            (planPath, workdir, concurrency, store) = ParseArguments(args);
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            await stderr.WriteLineAsync("usage: agentmanager-console run <plan.json> [--workdir DIR] [--concurrency N] [--db PATH | --in-memory]");
            return BadInput;
        }

        WorkflowDefinition definition;
        try
        {
            var plan = await PlanFile.LoadAsync(planPath, cancellationToken);
            var root = Path.GetFullPath(workdir ?? Path.Combine("agentmanager-runs", plan.Plan.PlanId!));
            definition = plan.ToWorkflow(root);
            definition.Metadata[PlanPathKey] = Path.GetFullPath(planPath);
        }
        catch (PlanFileException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            return BadInput;
        }

        using var host = BuildHost(concurrency, store);
        await host.StartAsync(cancellationToken);
        try
        {
            var engine = host.Services.GetRequiredService<IWorkflowEngine>();
            var bus = host.Services.GetRequiredService<IEventBus>();
            string workflowId;
            try
            {
                workflowId = await engine.CreateAsync(definition, cancellationToken);
            }
            catch (WorkflowValidationException ex)
            {
                await stderr.WriteLineAsync($"{planPath}: {ex.Message}");
                return BadInput;
            }

            await using var progress = bus.Subscribe(new EventFilter(workflowId), (e, _) => Report(stderr, e));
            await engine.StartAsync(workflowId, cancellationToken);
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
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>The workflow metadata key that remembers which plan file a workflow came from, for resume.</summary>
    public const string PlanPathKey = "plan_path";

    public static IHost BuildHost(int concurrency, StoreChoice store)
    {
        var builder = Host.CreateApplicationBuilder([]);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        store.Apply(builder.Services.AddAgentManager(o => o.MaxConcurrency = concurrency));
        return builder.Build();
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

    private static (string Plan, string? Workdir, int Concurrency, StoreChoice Store) ParseArguments(string[] args)
    {
        string? plan = null;
        string? workdir = null;
        var concurrency = Environment.ProcessorCount;
        var store = new StoreChoice();
        for (var i = 0; i < args.Length; i++)
        {
            if (store.TryParse(args, ref i))
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

        return (plan ?? throw new UsageException("run needs a plan file."), workdir, concurrency, store);
    }

    public static ValueTask Report(TextWriter stderr, AgentManagerEvent e)
    {
        var line = e switch
        {
            TaskEvent t when t.Transition.To is TaskState.Implementing => $"{t.Type,-20} {t.TaskId} (attempt {t.Transition.Attempt})",
            TaskEvent t when t.Transition.Reason is { } reason => $"{t.Type,-20} {t.TaskId}: {reason}",
            TaskEvent t => $"{t.Type,-20} {t.TaskId}",
            TaskEscalatedEvent t => $"{t.Type,-20} {t.TaskId}: {t.Reason}",
            HumanInboxEvent h => $"{h.Type,-20} {h.TaskId}: {h.Reason}",
            WorkflowEvent w when w.Reason is { } reason => $"{w.Type,-20} {w.WorkflowId}: {reason}",
            _ => $"{e.Type,-20} {e.WorkflowId}",
        };
        if (e is TaskEvent { Transition.To: TaskState.BlockedHitl } blocked)
        {
            line += $"{Environment.NewLine}    waiting for a human: agentmanager-console inbox complete|retry|fail|cancel {blocked.TaskId} --reason TEXT --workflow {blocked.WorkflowId}";
        }

        return new ValueTask(stderr.WriteLineAsync($"[{e.Timestamp:HH:mm:ss.fff}] {line}"));
    }
}
