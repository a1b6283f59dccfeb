using AgentManager.Agents;
using AgentManager.Execution;
using AgentManager.Memory;
using Microsoft.Extensions.Logging;

namespace AgentManager.Workflows;

/// <summary>Builds the prompt of an attempt whose agent has a profile: <see cref="PromptBuilder"/>'s layout
/// within <see cref="AgentManagerOptions.MaxPromptChars"/>, with the previous error and, when the profile asks
/// for them and agent memory is registered, the relevant memories as context.</summary>
internal sealed partial class PromptComposer(PromptBuilder builder, SemanticMemory? memory, ILogger logger)
{
    /// <summary>The task metadata key whose value is passed as the prompt's instructions.</summary>
    public const string InstructionsKey = "instructions";

    /// <summary>Tells whether a profile adds nothing to a prompt: no prompt or description, no skills, no MCP
    /// servers, no memory. Such an agent (a plan file's agent, say) gets the task prompt unchanged.</summary>
    public static bool AddsNothing(ResolvedAgent agent) =>
        string.IsNullOrWhiteSpace(agent.Profile.Prompt)
        && string.IsNullOrWhiteSpace(agent.Profile.Description)
        && agent.Skills.Count == 0
        && agent.McpServers.Count == 0
        && agent.Profile.Memory is null;

    public async Task<string> ComposeAsync(ResolvedAgent agent, AgentInvocation invocation, CancellationToken cancellationToken)
    {
        if (AddsNothing(agent))
        {
            return invocation.Prompt;
        }

        var context = new List<string>();
        if (RetryNote.Of(invocation) is { } note)
        {
            context.Add(note);
        }

        if (agent.Profile.Memory is { } wanted && memory is not null)
        {
            context.AddRange(await RecallAsync(wanted, invocation, cancellationToken).ConfigureAwait(false));
        }

        var instructions = invocation.Metadata.GetValueOrDefault(InstructionsKey);
        return builder.Build(agent, invocation.Prompt, instructions, context).Text;
    }

    /// <summary>Memory helps but is never worth failing an attempt for: a recall error is logged and skipped.</summary>
    private async Task<IReadOnlyList<string>> RecallAsync(MemoryContextOptions wanted, AgentInvocation invocation, CancellationToken cancellationToken)
    {
        var query = string.Join("\n", new[] { invocation.Title, invocation.Prompt }.Where(text => !string.IsNullOrWhiteSpace(text)));
        try
        {
            return await memory!.RecallContextAsync(query, wanted, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            RecallFailed(logger, invocation.WorkflowId, invocation.TaskId, ex);
            return [];
        }
    }

    [LoggerMessage(EventId = 1210, Level = LogLevel.Warning, Message = "Memories for task {WorkflowId}/{TaskId} could not be recalled; its prompt goes without them")]
    private static partial void RecallFailed(ILogger logger, string workflowId, string taskId, Exception exception);
}
