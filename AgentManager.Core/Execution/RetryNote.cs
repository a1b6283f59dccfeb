namespace AgentManager.Execution;

/// <summary>The line that tells an agent why its task's previous attempt failed.</summary>
internal static class RetryNote
{
    /// <returns>The line, or <see langword="null"/> when the invocation carries no previous error.</returns>
    public static string? Of(AgentInvocation invocation) => string.IsNullOrWhiteSpace(invocation.PreviousError)
        ? null
        : $"Attempt {invocation.Attempt - 1} of this task failed: {invocation.PreviousError}";
}
