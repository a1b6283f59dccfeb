namespace AgentManager.Execution;

/// <summary>What an agent run consumed, as the agent reports it: tokens and cost.</summary>
/// <remarks>Attach it to a result with <see cref="AgentResult.WithUsage"/>. The engine adds up the usage of every
/// attempt per task and per workflow and checks it against the budgets (<c>TaskDefinition.Budget</c>,
/// <c>WorkflowDefinition.Budget</c>).</remarks>
public sealed record AgentUsage
{
    private readonly long inputTokens;
    private readonly long outputTokens;
    private readonly decimal cost;

    /// <summary>Gets a usage of nothing.</summary>
    public static AgentUsage Zero { get; } = new();

    /// <summary>Gets the tokens sent to the model.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative number.</exception>
    public long InputTokens
    {
        get => inputTokens;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(InputTokens));
            inputTokens = value;
        }
    }

    /// <summary>Gets the tokens the model produced.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative number.</exception>
    public long OutputTokens
    {
        get => outputTokens;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(OutputTokens));
            outputTokens = value;
        }
    }

    /// <summary>Gets the cost, in whatever currency the host uses throughout.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative amount.</exception>
    public decimal Cost
    {
        get => cost;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(Cost));
            cost = value;
        }
    }

    /// <summary>Gets the input and output tokens together.</summary>
    public long TotalTokens => InputTokens + OutputTokens;

    /// <summary>Adds two usages.</summary>
    /// <param name="other">The usage to add; <see langword="null"/> adds nothing.</param>
    /// <returns>The sum.</returns>
    public AgentUsage Add(AgentUsage? other) => other is null || other == Zero
        ? this
        : new() { InputTokens = InputTokens + other.InputTokens, OutputTokens = OutputTokens + other.OutputTokens, Cost = Cost + other.Cost };
}
