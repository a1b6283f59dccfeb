// The README's quick start is this file: keep them equal.
using AgentManager.Execution;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentManager.Samples.Console;

internal static class QuickStart
{
    public static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgentManager(o => o.MaxConcurrency = 4)
            .AddAgent("echo", new DelegateAgentRunner((invocation, ct) =>
                ValueTask.FromResult(AgentResult.Success($"done: {invocation.Prompt}"))))
            .AddProcessAgent("shell", o => o.Command.Add("cat"));

        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        var engine = host.Services.GetRequiredService<IWorkflowEngine>();

        var workflow = new WorkflowDefinition { DefaultAgentId = "echo" };
        workflow.Tasks.Add(new TaskDefinition("fetch") { Prompt = "fetch the data" });
        workflow.Tasks.Add(new TaskDefinition("analyze") { Prompt = "analyze it", Dependencies = { "fetch" } });
        workflow.Tasks.Add(new TaskDefinition("report") { Prompt = "write the report", AgentId = "shell", Dependencies = { "analyze" } });

        var summary = await engine.RunAsync(workflow, cancellationToken);
        System.Console.WriteLine($"{summary.WorkflowId}: {summary.Status}, {summary.Completed}/{summary.Tasks.Count} tasks completed");

        await host.StopAsync(cancellationToken);
        return summary.Status == WorkflowStatus.Completed ? 0 : 1;
    }
}
