using AgentManager.Agents;
using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentManager.Samples.Console;

/// <summary><c>resume [--db PATH] [--concurrency N] [--config DIR]</c>: continues every stored workflow that
/// did not finish, rebuilding its agents from the plan file it was started from, with the <c>--config</c>
/// directory it was run with unless another is given. The plans were confirmed when they were run, so resuming
/// does not confirm them again; a workflow that never started runs its <c>before_workflow_run</c> hooks. A workflow
/// whose lease another live process holds is left to that process.</summary>
internal static class ResumeCommand
{
    private const string Usage = "usage: agentmanager-console resume [--db PATH] [--concurrency N] [--config DIR]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var store = new StoreChoice();
        var config = new ConfigChoice();
        var concurrency = Environment.ProcessorCount;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                if (store.TryParse(args, ref i) || config.TryParse(args, ref i))
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
            await stderr.WriteLineAsync(Usage);
            return RunCommand.BadInput;
        }

        if (store.Path is null || !File.Exists(store.Path))
        {
            await stderr.WriteLineAsync($"No state store at '{store.Path ?? "(in-memory)"}'; nothing to resume.");
            return RunCommand.BadInput;
        }

        var unfinished = await LoadUnfinishedAsync(store, stderr, cancellationToken);
        if (config.Directory is null)
        {
            var recorded = unfinished.Select(w => w.Record.Metadata.GetValueOrDefault(RunCommand.ConfigDirectoryKey)).Where(d => d is not null).Distinct(StringComparer.Ordinal).ToList();
            if (recorded.Count > 1)
            {
                await stderr.WriteLineAsync($"The unfinished workflows were run with different --config directories ({string.Join(", ", recorded)}); pass --config DIR.");
                return RunCommand.BadInput;
            }

            config.Directory = recorded.SingleOrDefault();
        }

        // Agents of several plan files may share an id; the first file's profile stands for all.
        var planAgents = unfinished.SelectMany(w => w.Plan.Profiles).DistinctBy(p => p.AgentId, StringComparer.Ordinal).ToList();
        using var host = RunCommand.BuildHost(concurrency, store, config, planAgents);
        if (!await RunCommand.StartHostAsync(host, stderr, cancellationToken))
        {
            return RunCommand.BadInput;
        }

        var bus = host.Services.GetRequiredService<IEventBus>();
        await using var progress = bus.Subscribe(EventFilter.All, (e, _) => RunCommand.Report(stderr, e));
        try
        {
            return await ResumeAllAsync(host.Services.GetRequiredService<IWorkflowEngine>(), unfinished, stdout, stderr, cancellationToken);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<int> ResumeAllAsync(IWorkflowEngine engine, List<Unfinished> unfinished, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var resumed = new List<string>();
        var held = 0;
        foreach (var (workflow, plan, planPath) in unfinished)
        {
            try
            {
                var definition = plan.ToWorkflow(workflow.WorkRoot ?? Path.GetFullPath("agentmanager-runs"), workflow.WorkflowId);
                foreach (var (key, value) in workflow.Metadata)
                {
                    definition.Metadata[key] = value;
                }

                await engine.ResumeAsync(definition, cancellationToken);
                if (workflow.Status == WorkflowStatus.Created)
                {
                    await engine.StartAsync(workflow.WorkflowId, cancellationToken);
                }

                resumed.Add(workflow.WorkflowId);
            }
            catch (LeaseHeldException ex)
            {
                held++;
                await stderr.WriteLineAsync($"Workflow '{workflow.WorkflowId}' is left to the engine that runs it: {ex.Message}");
            }
            catch (Exception ex) when (ex is AgentManagerException)
            {
                await stderr.WriteLineAsync($"Workflow '{workflow.WorkflowId}' ({planPath}) cannot be resumed: {ex.Message}");
            }
        }

        if (resumed.Count == 0)
        {
            await stderr.WriteLineAsync(held > 0
                ? "Nothing resumed here: another process runs the unfinished workflows."
                : "Nothing to resume: every stored workflow has finished.");
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

    /// <summary>Reads the unfinished workflows and their plan files before the host is built: the plan files'
    /// agents and the recorded configuration directory shape the host.</summary>
    private static async Task<List<Unfinished>> LoadUnfinishedAsync(StoreChoice store, TextWriter stderr, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        store.Apply(services.AddAgentManager());
        await using var provider = services.BuildServiceProvider();
        var unfinished = new List<Unfinished>();
        foreach (var workflow in await provider.GetRequiredService<IStateStore>().ListWorkflowsAsync(cancellationToken))
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
                unfinished.Add(new Unfinished(workflow, await PlanFile.LoadAsync(planPath, cancellationToken), planPath));
            }
            catch (PlanFileException ex)
            {
                await stderr.WriteLineAsync($"Workflow '{workflow.WorkflowId}' cannot be resumed: {ex.Message}");
            }
        }

        return unfinished;
    }

    private sealed record Unfinished(WorkflowRecord Record, PlanFile Plan, string PlanPath);
}
