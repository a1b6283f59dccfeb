using System.Text.Json;
using AgentManager.Persistence;
using AgentManager.Schedules;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Samples.Console;

/// <summary><c>schedules list [--json] | pause ID | resume ID | delete ID [--db PATH]</c>: reads and changes the
/// schedules in the store. A <c>serve</c> running on the same store picks the change up within a second.</summary>
internal static class SchedulesCommand
{
    private const string UsageLine = "schedules list [--json] [--db PATH] | schedules pause|resume|delete ID [--db PATH]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string? action = null;
        string? id = null;
        var json = false;
        var store = new StoreChoice();
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                if (store.TryParse(args, ref i))
                {
                    continue;
                }

                if (args[i] == "--json")
                {
                    json = true;
                }
                else if (args[i].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"'{args[i]}' is not an option of schedules.");
                }
                else if (action is null)
                {
                    action = args[i];
                }
                else if (id is null)
                {
                    id = args[i];
                }
                else
                {
                    throw new UsageException($"'{args[i]}' is one argument too many.");
                }
            }

            _ = (action, id) switch
            {
                ("list", null) => true,
                ("pause" or "resume" or "delete", not null) => true,
                ("pause" or "resume" or "delete", null) => throw new UsageException($"schedules {action} needs a schedule id."),
                _ => throw new UsageException(action is null ? "schedules needs an action: list, pause, resume or delete." : $"'{action}' is not an action of schedules (or it takes no id)."),
            };
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            await stderr.WriteLineAsync("usage: agentmanager-console " + UsageLine);
            return RunCommand.BadInput;
        }

        if (store.Path is null || !File.Exists(store.Path))
        {
            await stderr.WriteLineAsync($"No state store at '{store.Path ?? "(in-memory)"}'; run serve first or pass --db PATH.");
            return RunCommand.BadInput;
        }

        var services = new ServiceCollection();
        store.Apply(services.AddAgentManager().AddSchedules());
        await using var provider = services.BuildServiceProvider();
        var schedules = provider.GetRequiredService<IScheduleService>();
        try
        {
            switch (action)
            {
                case "list":
                    await ListAsync(schedules, json, stdout, cancellationToken);
                    break;
                case "pause":
                    await stdout.WriteLineAsync("Paused: " + Describe(await schedules.PauseAsync(id!, cancellationToken)));
                    break;
                case "resume":
                    await stdout.WriteLineAsync("Resumed: " + Describe(await schedules.ResumeAsync(id!, cancellationToken)));
                    break;
                default:
                    if (!await schedules.DeleteAsync(id!, cancellationToken))
                    {
                        throw new ScheduleNotFoundException(id!);
                    }

                    await stdout.WriteLineAsync($"Deleted schedule '{id}'; its workflows are kept.");
                    break;
            }
        }
        catch (ScheduleNotFoundException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            return RunCommand.BadInput;
        }

        return RunCommand.Success;
    }

    /// <summary>One line about a schedule: id, state, timing, next and last run, running workflow.</summary>
    public static string Describe(ScheduleRecord s) =>
        $"{s.ScheduleId,-24} {(s.Paused ? "paused" : "active"),-6}  {Timing(s),-36} next {ServeCommand.Time(s.NextRun)}  last {s.LastWorkflowId ?? "-"}{(s.RunningWorkflowId is { } running ? "  running " + running : string.Empty)}";

    private static string Timing(ScheduleRecord s) => s.Cron is { } cron
        ? $"cron '{cron}' {s.TimeZone ?? "UTC"}"
        : $"every {s.Interval}";

    private static async Task ListAsync(IScheduleService schedules, bool json, TextWriter stdout, CancellationToken cancellationToken)
    {
        var records = await schedules.ListAsync(cancellationToken);
        if (!json)
        {
            foreach (var record in records)
            {
                await stdout.WriteLineAsync(Describe(record));
            }

            return;
        }

        await stdout.WriteLineAsync(JsonSerializer.Serialize(records.Select(s => new
        {
            schedule_id = s.ScheduleId,
            cron = s.Cron,
            time_zone = s.TimeZone,
            interval_seconds = s.Interval?.TotalSeconds,
            plan = s.PlanPath,
            plan_id = s.PlanId,
            plan_version = s.PlanVersion,
            missed_run_policy = s.MissedRunPolicy.ToWireName(),
            allow_overlap = s.AllowOverlap,
            paused = s.Paused,
            next_run = s.NextRun,
            last_occurrence = s.LastOccurrence,
            last_workflow_id = s.LastWorkflowId,
            running_workflow_id = s.RunningWorkflowId,
        })));
    }
}
