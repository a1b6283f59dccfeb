using AgentManager.Execution;

namespace AgentManager.Tests.Execution;

/// <summary>Invocations and shell-script agents for the tests; the tests, not the runner, choose sh.</summary>
internal static class TestAgents
{
    public const string Shell = "/bin/sh";

    public static AgentInvocation Invocation(string? workdir = null, string prompt = "", string? previousError = null) => new()
    {
        WorkflowId = "wf-1",
        TaskId = "task-1",
        AgentId = "agent-1",
        Prompt = prompt,
        Attempt = 2,
        Workdir = workdir,
        PreviousError = previousError,
    };

    public static ProcessAgentOptions Script(string script, PromptDelivery delivery = PromptDelivery.Stdin)
    {
        var options = new ProcessAgentOptions { PromptDelivery = delivery };
        options.Command.Add(Shell);
        options.Command.Add("-c");
        options.Command.Add(script);
        return options;
    }

    public static Task<AgentResult> RunAsync(string script, AgentInvocation? invocation = null, CancellationToken cancellationToken = default) =>
        new ProcessAgentRunner(Script(script)).RunAsync(invocation ?? Invocation(), cancellationToken).AsTask();
}
