using Microsoft.Extensions.AI;

namespace AgentManager.Execution;

/// <summary>How a <see cref="ChatClientAgentRunner"/> asks its model.</summary>
public sealed class ChatClientAgentOptions
{
    /// <summary>Gets or sets the request options every run starts from: model id, instructions (the system prompt),
    /// temperature, output token limit, tools. Each run sends a copy, so a client that changes the options it is given
    /// changes no other run's.</summary>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>Gets or sets how a response's token counts become a cost, counted against the budgets
    /// (<c>TaskDefinition.Budget</c>, <c>WorkflowDefinition.Budget</c>) with the tokens; without it the cost is 0.</summary>
    public Func<UsageDetails, decimal>? Pricing { get; set; }
}
