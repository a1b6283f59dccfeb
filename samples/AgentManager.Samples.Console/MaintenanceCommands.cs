using System.Globalization;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Samples.Console;

/// <summary><c>purge --older-than AGE</c> and <c>history TASK [--workflow ID]</c>, both on the stored state.</summary>
internal static class MaintenanceCommands
{
    public static async Task<int> PurgeAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var store = new StoreChoice();
        TimeSpan? age = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--older-than" && i + 1 < args.Length && TryParseAge(args[i + 1], out var parsed))
            {
                age = parsed;
                i++;
            }
            else if (!TryParseStore(store, args, ref i))
            {
                return await UsageAsync(stderr, $"'{args[i]}' is not an option of purge (or its value is invalid).", "purge --older-than AGE [--db PATH]   (AGE like 30d, 12h, 45m, 10s)");
            }
        }

        if (age is null)
        {
            return await UsageAsync(stderr, "purge needs --older-than AGE.", "purge --older-than AGE [--db PATH]   (AGE like 30d, 12h, 45m, 10s)");
        }

        if (!await ExistsAsync(store, stderr))
        {
            return RunCommand.BadInput;
        }

        await using var provider = Provider(store);
        var purged = await provider.GetRequiredService<IWorkflowEngine>().PurgeAsync(age.Value, cancellationToken);
        await stdout.WriteLineAsync($"Purged {purged.Count} workflow(s) that finished more than {args[Array.IndexOf(args, "--older-than") + 1]} ago.");
        foreach (var id in purged)
        {
            await stdout.WriteLineAsync("  " + id);
        }

        return RunCommand.Success;
    }

    public static async Task<int> HistoryAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var store = new StoreChoice();
        string? taskId = null;
        string? workflowId = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--workflow" && i + 1 < args.Length)
            {
                workflowId = args[++i];
            }
            else if (!TryParseStore(store, args, ref i))
            {
                if (args[i].StartsWith("--", StringComparison.Ordinal) || taskId is not null)
                {
                    return await UsageAsync(stderr, $"'{args[i]}' is not an option of history.", "history TASK [--workflow ID] [--db PATH]");
                }

                taskId = args[i];
            }
        }

        if (taskId is null)
        {
            return await UsageAsync(stderr, "history needs a task id.", "history TASK [--workflow ID] [--db PATH]");
        }

        if (!await ExistsAsync(store, stderr))
        {
            return RunCommand.BadInput;
        }

        await using var provider = Provider(store);
        var state = provider.GetRequiredService<IStateStore>();
        var found = false;
        foreach (var workflow in await state.ListWorkflowsAsync(cancellationToken))
        {
            if (workflowId is not null && workflow.WorkflowId != workflowId)
            {
                continue;
            }

            var task = await state.GetTaskAsync(workflow.WorkflowId, taskId, cancellationToken);
            if (task is null)
            {
                continue;
            }

            found = true;
            await stdout.WriteLineAsync($"{workflow.WorkflowId} / {taskId}: {task.State.ToWireName()} after {task.Attempt} attempt(s){(task.LastError is null ? string.Empty : " — " + task.LastError)}");
            foreach (var t in await state.GetTransitionsAsync(workflow.WorkflowId, taskId, cancellationToken))
            {
                var reason = t.Reason is null ? string.Empty : "  " + t.Reason;
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {t.Timestamp:yyyy-MM-dd HH:mm:ss.fff} #{t.Attempt} {t.From.ToWireName(),-14} -> {t.To.ToWireName(),-14} {t.Trigger.ToWireName(),-24} {t.Actor}{reason}"));
            }
        }

        if (!found)
        {
            await stderr.WriteLineAsync($"No stored workflow has a task '{taskId}'{(workflowId is null ? string.Empty : $" in workflow '{workflowId}'")}.");
            return RunCommand.BadInput;
        }

        return RunCommand.Success;
    }

    internal static bool TryParseAge(string value, out TimeSpan age)
    {
        age = default;
        if (value.Length < 2 || !double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount < 0)
        {
            return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out age) && age >= TimeSpan.Zero;
        }

        age = value[^1] switch
        {
            'd' => TimeSpan.FromDays(amount),
            'h' => TimeSpan.FromHours(amount),
            'm' => TimeSpan.FromMinutes(amount),
            's' => TimeSpan.FromSeconds(amount),
            _ => TimeSpan.MinValue,
        };
        return age != TimeSpan.MinValue;
    }

    private static bool TryParseStore(StoreChoice store, string[] args, ref int i)
    {
        try
        {
            return store.TryParse(args, ref i);
        }
        catch (UsageException)
        {
            return false;
        }
    }

    private static async Task<bool> ExistsAsync(StoreChoice store, TextWriter stderr)
    {
        if (store.Path is not null && File.Exists(store.Path))
        {
            return true;
        }

        await stderr.WriteLineAsync($"No state store at '{store.Path ?? "(in-memory)"}'; pass --db PATH.");
        return false;
    }

    private static ServiceProvider Provider(StoreChoice store)
    {
        var services = new ServiceCollection();
        store.Apply(services.AddAgentManager());
        return services.BuildServiceProvider();
    }

    private static async Task<int> UsageAsync(TextWriter stderr, string message, string usage)
    {
        await stderr.WriteLineAsync(message);
        await stderr.WriteLineAsync("usage: agentmanager-console " + usage);
        return RunCommand.BadInput;
    }
}
