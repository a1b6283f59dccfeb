using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentManager.Samples.Console;

/// <summary><c>resume [--db PATH] [--concurrency N]</c>: continues every stored workflow that did not
/// finish, rebuilding its agents from the plan file it was started from.</summary>
internal static class ResumeCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var store = new StoreChoice();
        var concurrency = Environment.ProcessorCount;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                if (store.TryParse(args, ref i))
                {
                    continue;
                }

                if (args[i] == "--concurrency" && i + 1 < args.Length && int.TryParse(args[i + 1], out concurrency) && concurrency > 0)
                {
                    i++;
                    continue;
                }

                throw new UsageException($"'{args[i]}' is not an option of resume (or its value is missing or invalid).");
            }
        }
        catch (UsageException ex)
        {
            await stderr.WriteLineAsync(ex.Message);
            await stderr.WriteLineAsync("usage: agentmanager-console resume [--db PATH] [--concurrency N]");
            return RunCommand.BadInput;
        }

        if (store.Path is null || !File.Exists(store.Path))
        {
            await stderr.WriteLineAsync($"No state store at '{store.Path ?? "(in-memory)"}'; nothing to resume.");
            return RunCommand.BadInput;
        }

        using var host = RunCommand.BuildHost(concurrency, store);
        await host.StartAsync(cancellationToken);
        try
        {
            var engine = host.Services.GetRequiredService<IWorkflowEngine>();
            var state = host.Services.GetRequiredService<IStateStore>();
            var bus = host.Services.GetRequiredService<IEventBus>();
            await using var progress = bus.Subscribe(EventFilter.All, (e, _) => RunCommand.Report(stderr, e));
            var resumed = new List<string>();
            foreach (var workflow in await state.ListWorkflowsAsync(cancellationToken))
            {
                if (workflow.Status.IsFinished())
                {
                    continue;
                }

                if (!workflow.Metadata.TryGetValue(RunCommand.PlanPathKey, out var planPath))
                {
                    await stderr.WriteLineAsync($"Workflow '{workflow.WorkflowId}' records no plan file; it cannot be resumed by this sample.");
                    continue;
                }

                try
                {
                    var plan = await PlanFile.LoadAsync(planPath, cancellationToken);
                    var definition = plan.ToWorkflow(workflow.WorkRoot ?? Path.GetFullPath("agentmanager-runs"), workflow.WorkflowId);
                    definition.Metadata[RunCommand.PlanPathKey] = planPath;
                    await engine.ResumeAsync(definition, cancellationToken);
                    if (workflow.Status == WorkflowStatus.Created)
                    {
                        await engine.StartAsync(workflow.WorkflowId, cancellationToken);
                    }

                    resumed.Add(workflow.WorkflowId);
                }
                catch (Exception ex) when (ex is AgentManagerException)
                {
                    await stderr.WriteLineAsync($"Workflow '{workflow.WorkflowId}' cannot be resumed: {ex.Message}");
                }
            }

            if (resumed.Count == 0)
            {
                await stderr.WriteLineAsync("Nothing to resume: every stored workflow has finished.");
                return RunCommand.Success;
            }

            var allCompleted = true;
            foreach (var id in resumed)
            {
                var summary = await engine.WaitForCompletionAsync(id, cancellationToken);
                await RunCommand.WriteSummaryAsync(stdout, summary);
                allCompleted &= summary.Status == WorkflowStatus.Completed;
            }

            return allCompleted ? RunCommand.Success : RunCommand.WorkflowFailed;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
