namespace AgentManager.Lifecycle;

/// <summary>One allowed move of the task lifecycle: in state <paramref name="From"/>,
/// <paramref name="Trigger"/> leads to <paramref name="To"/>.</summary>
/// <param name="From">The state the rule applies to.</param>
/// <param name="Trigger">The trigger allowed in that state.</param>
/// <param name="To">The state the trigger leads to.</param>
public readonly record struct LifecycleRule(TaskState From, TaskTrigger Trigger, TaskState To);
