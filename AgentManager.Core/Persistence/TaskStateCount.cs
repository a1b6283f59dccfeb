using AgentManager.Lifecycle;

namespace AgentManager.Persistence;

/// <summary>How many of a workflow's tasks are in one state, read by <see cref="IStateStore.CountTasksAsync"/>.</summary>
/// <param name="WorkflowId">The workflow.</param>
/// <param name="State">The state.</param>
/// <param name="Count">How many of the workflow's tasks are in it; never 0 (a state no task is in has no count).</param>
public readonly record struct TaskStateCount(string WorkflowId, TaskState State, int Count);
