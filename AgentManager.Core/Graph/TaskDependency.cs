namespace AgentManager.Graph;

/// <summary>An edge of a <see cref="TaskGraph"/>: <paramref name="TaskId"/> depends on <paramref name="DependsOn"/>.</summary>
/// <param name="TaskId">The dependent task, which waits.</param>
/// <param name="DependsOn">The task that must complete first.</param>
public readonly record struct TaskDependency(string TaskId, string DependsOn);
