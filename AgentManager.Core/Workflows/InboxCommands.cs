using AgentManager.Persistence;

namespace AgentManager.Workflows;

/// <summary>A human decision taken in this process about a workflow this engine runs.</summary>
internal sealed class HumanDecisionCommand(HumanDecisionRecord decision) : RequestCommand
{
    public HumanDecisionRecord Decision { get; } = decision;

    /// <summary>Gets or sets the applied decision, set by the loop before the reply.</summary>
    public HumanDecisionRecord? Result { get; set; }
}

/// <summary>Pending decisions read from the store, taken in any process.</summary>
internal sealed class StoredDecisionsCommand(IReadOnlyList<HumanDecisionRecord> decisions) : IEngineCommand
{
    public IReadOnlyList<HumanDecisionRecord> Decisions { get; } = decisions;
}

/// <summary>The human deadline of a blocked task has passed.</summary>
internal sealed class DeadlineDueCommand(TaskRuntime task, DateTimeOffset deadline) : IEngineCommand
{
    public TaskRuntime Task { get; } = task;

    public DateTimeOffset Deadline { get; } = deadline;
}

/// <summary>Cancel requests read from the store, stored by engines that do not run the workflows.</summary>
internal sealed class StoredCancelRequestsCommand(IReadOnlyList<WorkflowRequest> requests) : IEngineCommand
{
    public IReadOnlyList<WorkflowRequest> Requests { get; } = requests;
}
