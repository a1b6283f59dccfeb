namespace AgentManager.Memory;

/// <summary>One value in a workflow's working memory.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value.</param>
/// <param name="UpdatedAt">When it was last set.</param>
/// <param name="ExpiresAt">When it disappears, or <see langword="null"/> when it lasts until removed.</param>
public sealed record WorkingMemoryEntry(string Key, string Value, DateTimeOffset UpdatedAt, DateTimeOffset? ExpiresAt);
