using System.Text.Json;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Samples.Console;

/// <summary><c>status [--json] [--db PATH]</c>: lists the stored workflows and their task states.</summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var json = false;
        var store = new StoreChoice();
        for (var i = 0; i < args.Length; i++)
        {
            try
            {
                if (store.TryParse(args, ref i))
                {
                    continue;
                }
            }
            catch (UsageException ex)
            {
                await stderr.WriteLineAsync(ex.Message);
                return RunCommand.BadInput;
            }

            if (args[i] == "--json")
            {
                json = true;
                continue;
            }

            await stderr.WriteLineAsync($"'{args[i]}' is not an option of status.");
            await stderr.WriteLineAsync("usage: agentmanager-console status [--json] [--db PATH]");
            return RunCommand.BadInput;
        }

        if (store.Path is null || !File.Exists(store.Path))
        {
            await stderr.WriteLineAsync($"No state store at '{store.Path ?? "(in-memory)"}'; run a plan first or pass --db PATH.");
            return RunCommand.BadInput;
        }

        var services = new ServiceCollection();
        store.Apply(services.AddAgentManager());
        await using var provider = services.BuildServiceProvider();
        var state = provider.GetRequiredService<IStateStore>();
        var rows = new List<object>();
        var workflows = await state.ListWorkflowsAsync(cancellationToken);

        // The text lists counts only, which the store counts itself; --json also lists every task's state.
        var counts = (json ? [] : await state.CountTasksAsync(null, cancellationToken)).ToLookup(c => c.WorkflowId, StringComparer.Ordinal);
        foreach (var workflow in workflows)
        {
            if (json)
            {
                var tasks = await state.GetTasksAsync(workflow.WorkflowId, cancellationToken);
                rows.Add(new
                {
                    workflow_id = workflow.WorkflowId,
                    name = workflow.Name,
                    status = workflow.Status.ToWireName(),
                    tasks = tasks.Count,
                    states = tasks.GroupBy(t => t.State).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToWireName(), g => g.Count()),
                    task_states = tasks.ToDictionary(t => t.TaskId, t => t.State.ToWireName()),
                    lease = workflow.LeaseOwner is null ? null : new { owner = workflow.LeaseOwner, expires_at = workflow.LeaseExpiresAt, fencing_token = workflow.FencingToken },
                });
            }
            else
            {
                var own = counts[workflow.WorkflowId].OrderBy(c => c.State).ToArray();
                var summary = string.Join(", ", own.Select(c => $"{c.Count} {c.State.ToWireName()}"));
                var lease = workflow.LeaseOwner is null ? "" : $" (lease: {workflow.LeaseOwner} until {workflow.LeaseExpiresAt:u})";
                await stdout.WriteLineAsync($"{workflow.WorkflowId,-32} {workflow.Status.ToWireName(),-10} {own.Sum(c => c.Count),4} tasks: {summary}{lease}");
            }
        }

        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(rows));
        }

        return 0;
    }
}
