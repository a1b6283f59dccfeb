using System.Globalization;
using System.Text.Json;
using AgentManager.Inbox;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Samples.Console;

/// <summary><c>inbox [list] [--workflow ID] [--json]</c> and <c>inbox retry|complete|fail|cancel TASK --reason TEXT
/// [--workflow ID] [--actor NAME] [--wait SECONDS]</c>: the human inbox on the stored state, usable while a
/// <c>run</c> in another process waits on a blocked task.</summary>
internal static class InboxCommand
{
    public const int Rejected = 1;

    private const string Usage = "usage: agentmanager-console inbox [list] [--workflow ID] [--json] [--db PATH]\n"
        + "       agentmanager-console inbox retry|complete|fail|cancel TASK --reason TEXT [--workflow ID] [--actor NAME] [--wait SECONDS] [--db PATH]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var parsed = await CommandArgs.ParseAsync(() => Arguments.Parse(args), Usage, stderr);
        if (parsed is null || await parsed.Store.OpenExistingAsync("the inbox reads the database a run writes", stderr) is not { } opened)
        {
            return RunCommand.BadInput;
        }

        await using var provider = opened;
        var inbox = provider.GetRequiredService<IHumanInbox>();
        try
        {
            return parsed.Action is { } action
                ? await DecideAsync(inbox, provider.GetRequiredService<IStateStore>(), parsed, action, stdout, stderr, cancellationToken)
                : await ListAsync(inbox, parsed, stdout, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidHumanDecisionException or WorkflowNotFoundException or TaskNotFoundException)
        {
            await stderr.WriteLineAsync(ex.Message);
            return RunCommand.BadInput;
        }
        catch (TaskNotBlockedException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            return Rejected;
        }
    }

    private static async Task<int> ListAsync(IHumanInbox inbox, Arguments args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var blocked = await inbox.ListAsync(args.WorkflowId, cancellationToken);
        if (args.Json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(blocked.Select(t => new
            {
                workflow_id = t.WorkflowId,
                task_id = t.TaskId,
                title = t.Title,
                agent_id = t.AgentId,
                attempts = t.Attempts,
                last_error = t.LastError,
                last_output = t.LastOutput,
                blocked_at = t.BlockedAt,
                deadline_at = t.DeadlineAt,
                pending_decisions = t.PendingDecisions.Select(d => new { decision_id = d.DecisionId, action = d.Action.ToWireName(), actor = d.Actor, reason = d.Reason }),
                history = t.History.Select(h => new { from = h.From.ToWireName(), to = h.To.ToWireName(), trigger = h.Trigger.ToWireName(), actor = h.Actor, attempt = h.Attempt, reason = h.Reason, at = h.Timestamp }),
            })));
            return RunCommand.Success;
        }

        if (blocked.Count == 0)
        {
            await stdout.WriteLineAsync("No task is waiting for a human.");
            return RunCommand.Success;
        }

        foreach (var task in blocked)
        {
            var deadline = task.DeadlineAt is { } at ? string.Create(CultureInfo.InvariantCulture, $", deadline {at:u}") : string.Empty;
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{task.WorkflowId} / {task.TaskId}{(task.Title is null ? string.Empty : " — " + task.Title)}: blocked since {task.BlockedAt:u} after {task.Attempts} attempt(s){deadline}"));
            await stdout.WriteLineAsync($"  last error:  {task.LastError}");
            if (!string.IsNullOrWhiteSpace(task.LastOutput))
            {
                await stdout.WriteLineAsync("  last output: " + task.LastOutput.TrimEnd().Replace("\n", "\n               ", StringComparison.Ordinal));
            }

            foreach (var step in task.History.Where(h => h.Reason is not null))
            {
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  #{step.Attempt} {step.From.ToWireName()} -> {step.To.ToWireName()} ({step.Trigger.ToWireName()}): {step.Reason}"));
            }

            foreach (var decision in task.PendingDecisions)
            {
                await stdout.WriteLineAsync($"  queued decision: {decision.Action.ToWireName()} by {decision.Actor}: {decision.Reason}");
            }
        }

        return RunCommand.Success;
    }

    private static async Task<int> DecideAsync(IHumanInbox inbox, IStateStore store, Arguments args, HumanAction action, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var workflowId = args.WorkflowId ?? await FindWorkflowAsync(store, args.TaskId!, cancellationToken);
        if (workflowId is null)
        {
            await stderr.WriteLineAsync($"No unfinished workflow has exactly one task '{args.TaskId}'; pass --workflow ID (see 'inbox list').");
            return RunCommand.BadInput;
        }

        var decision = await inbox.DecideAsync(
            new HumanDecision { WorkflowId = workflowId, TaskId = args.TaskId!, Action = action, Actor = args.Actor, Reason = args.Reason ?? string.Empty },
            cancellationToken);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (decision.Status == HumanDecisionStatus.Pending && waited.Elapsed < args.Wait)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            decision = await inbox.GetDecisionAsync(decision.DecisionId, cancellationToken) ?? decision;
        }

        switch (decision.Status)
        {
            case HumanDecisionStatus.Applied:
                await stdout.WriteLineAsync($"applied: {decision.Outcome}");
                return RunCommand.Success;
            case HumanDecisionStatus.Rejected:
                await stderr.WriteLineAsync($"rejected: {decision.Outcome}");
                return Rejected;
            default:
                await stdout.WriteLineAsync($"queued: decision {decision.DecisionId} waits in the store for the engine that runs workflow '{workflowId}' (a running 'run', or 'resume').");
                return RunCommand.Success;
        }
    }

    /// <summary>Finds the one unfinished workflow with a task of that id, so that <c>--workflow</c> is needed only
    /// when the id is ambiguous.</summary>
    private static async Task<string?> FindWorkflowAsync(IStateStore store, string taskId, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        foreach (var workflow in (await store.QueryWorkflowsAsync(WorkflowQuery.Unfinished, cancellationToken)).Workflows)
        {
            if (await store.GetTaskAsync(workflow.WorkflowId, taskId, cancellationToken) is not null)
            {
                found.Add(workflow.WorkflowId);
            }
        }

        return found.Count == 1 ? found[0] : null;
    }

    private sealed class Arguments
    {
        public StoreChoice Store { get; } = new();

        public HumanAction? Action { get; private set; }

        public string? TaskId { get; private set; }

        public string? WorkflowId { get; private set; }

        public string? Reason { get; private set; }

        public string Actor { get; private set; } = Environment.GetEnvironmentVariable("USER") is { Length: > 0 } user ? user : Environment.UserName;

        public TimeSpan Wait { get; private set; } = TimeSpan.FromSeconds(10);

        public bool Json { get; private set; }

        public static Arguments Parse(string[] args)
        {
            var parsed = new Arguments();
            var start = 0;
            if (args.Length > 0 && args[0] == "list")
            {
                start = 1;
            }
            else if (args.Length > 0 && HumanActionNames.TryParse(args[0], out var action))
            {
                parsed.Action = action;
                parsed.TaskId = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : throw new UsageException($"inbox {args[0]} needs a task id.");
                start = 2;
            }

            for (var i = start; i < args.Length; i++)
            {
                if (parsed.Store.TryParse(args, ref i))
                {
                    continue;
                }

                switch (args[i])
                {
                    case "--workflow":
                        parsed.WorkflowId = CommandArgs.Value(args, ref i);
                        break;
                    case "--json" when parsed.Action is null:
                        parsed.Json = true;
                        break;
                    case "--reason" when parsed.Action is not null:
                        parsed.Reason = CommandArgs.Value(args, ref i);
                        break;
                    case "--actor" when parsed.Action is not null:
                        parsed.Actor = CommandArgs.Value(args, ref i);
                        break;
                    case "--wait" when parsed.Action is not null:
                        parsed.Wait = CommandArgs.Wait(args, ref i);
                        break;
                    default:
                        throw new UsageException($"'{args[i]}' is not an option of inbox{(parsed.Action is { } a ? " " + a.ToWireName() : string.Empty)}.");
                }
            }

            if (parsed.Action is not null && string.IsNullOrWhiteSpace(parsed.Reason))
            {
                throw new UsageException("A decision needs --reason TEXT: it is recorded with the transition.");
            }

            return parsed;
        }
    }
}
