namespace AgentManager.Memory;

/// <summary>Settings of agent memory, registered by <c>AddAgentMemory()</c>.</summary>
public sealed class AgentMemoryOptions
{
    /// <summary>Gets or sets the vector length of the default <see cref="HashingEmbeddingGenerator"/>; unused
    /// when another embedding generator is registered.</summary>
    /// <value>The default is <see cref="HashingEmbeddingGenerator.DefaultDimensions"/> (384).</value>
    public int EmbeddingDimensions { get; set; } = HashingEmbeddingGenerator.DefaultDimensions;

    /// <summary>Gets or sets the namespace <see cref="TaskOutcomeMemory"/> writes task outcomes to.</summary>
    /// <value>The default is <c>task-outcomes</c>.</value>
    public string OutcomeNamespace { get; set; } = "task-outcomes";
}
