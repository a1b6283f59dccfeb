using AgentManager.Workflows;

namespace AgentManager.Persistence;

/// <summary>A store that can summarize a workflow's tasks straight from what it keeps, without a
/// <see cref="TaskRecord"/> per task: the engine's summaries use it when the store offers it and read
/// <see cref="IStateStore.GetTasksAsync"/> otherwise.</summary>
internal interface ITaskSummarySource
{
    /// <summary>Summarizes the tasks of a workflow in ordinal order, as <see cref="IStateStore.GetTasksAsync"/>
    /// would list them; empty for an unknown workflow.</summary>
    TaskSummary[] SummarizeTasks(string workflowId);
}
