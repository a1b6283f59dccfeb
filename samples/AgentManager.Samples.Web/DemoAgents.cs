using AgentManager.Execution;

namespace AgentManager.Samples.Web;

/// <summary>The sample's stand-in for real agents: each run waits a moment (AgentManager:Demo:StepSeconds,
/// default 2) and succeeds with a line about its task, unless the prompt contains "[fail]".</summary>
internal static class DemoAgents
{
    public static DelegateAgentRunner FromConfiguration(IConfiguration configuration)
    {
        var seconds = configuration.GetValue("AgentManager:Demo:StepSeconds", 2.0);
        var step = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return new DelegateAgentRunner(async (invocation, cancellationToken) =>
        {
            await Task.Delay(step, TimeProvider.System, cancellationToken);
            return invocation.Prompt.Contains("[fail]", StringComparison.OrdinalIgnoreCase)
                ? AgentResult.Failure($"{invocation.AgentId} was asked to fail task '{invocation.TaskId}'.", $"attempt {invocation.Attempt}: failing on request")
                : AgentResult.Success($"{invocation.AgentId} did '{invocation.Title ?? invocation.TaskId}' (attempt {invocation.Attempt}): {invocation.Prompt}");
        });
    }
}
