using AgentManager.Execution;

namespace AgentManager.Workflows;

/// <summary>A limit on what a task or a workflow may consume, counted from the <see cref="AgentUsage"/> its agents
/// report. Once a limit is reached no further attempt starts: the task is blocked for a human when its
/// <see cref="RepairPolicy.BlockForHuman"/> is on, and otherwise fails (or, for a task not yet attempted, is
/// cancelled and its workflow fails).</summary>
/// <remarks>The attempt that crosses a limit finishes; a budget stops the next one. Agents that report no usage
/// consume nothing, so a budget never stops them.</remarks>
public sealed class UsageBudget
{
    /// <summary>Gets or sets the most tokens (input and output together) that may be used.</summary>
    /// <value>The default, <see langword="null"/>, sets no token limit. Must be at least 1 when set.</value>
    public long? MaxTokens { get; set; }

    /// <summary>Gets or sets the most cost that may be spent.</summary>
    /// <value>The default, <see langword="null"/>, sets no cost limit. Must be positive when set.</value>
    public decimal? MaxCost { get; set; }

    /// <summary>Lists every rule this budget breaks, each as a sentence naming the property and its value.</summary>
    /// <param name="prefix">Prepended to property names, e.g. <c>Budget.</c>.</param>
    /// <returns>The failures; empty when the budget is valid.</returns>
    public IReadOnlyList<string> Validate(string prefix = "")
    {
        var errors = new List<string>();
        if (MaxTokens is < 1)
        {
            errors.Add($"{prefix}{nameof(MaxTokens)} is {MaxTokens}; it must be at least 1 when set.");
        }

        if (MaxCost is <= 0)
        {
            errors.Add($"{prefix}{nameof(MaxCost)} is {MaxCost}; it must be positive when set.");
        }

        return errors;
    }

    /// <summary>Describes the limit that <paramref name="used"/> has reached, or returns <see langword="null"/>.</summary>
    internal string? SpentBy(AgentUsage used) =>
        MaxTokens is { } tokens && used.TotalTokens >= tokens ? $"{used.TotalTokens} of {tokens} tokens used"
        : MaxCost is { } cost && used.Cost >= cost ? $"cost {used.Cost} of {cost} spent"
        : null;

    internal UsageBudget Clone() => (UsageBudget)MemberwiseClone();
}
