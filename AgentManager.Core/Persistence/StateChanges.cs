using AgentManager.Events;
using AgentManager.Lifecycle;

namespace AgentManager.Persistence;

/// <summary>Changes that a store commits together, all or nothing: the latest records of changed
/// workflows and tasks, the transitions that led there, and the events to publish once they are stored.</summary>
public sealed class StateChanges
{
    /// <summary>Gets workflows created or changed, in order.</summary>
    public List<WorkflowRecord> Workflows { get; } = [];

    /// <summary>Gets tasks created or changed, in order; a later record of a task replaces an earlier one.</summary>
    public List<TaskRecord> Tasks { get; } = [];

    /// <summary>Gets the transitions, in the order they happened.</summary>
    public List<TaskTransition> Transitions { get; } = [];

    /// <summary>Gets human decisions applied or rejected by this batch; each replaces the stored decision of the
    /// same id, or is added when there is none (a decision applied in the process that took it).</summary>
    public List<HumanDecisionRecord> Decisions { get; } = [];

    /// <summary>Gets the events, in the order they are to be published.</summary>
    public List<AgentManagerEvent> Events { get; } = [];

    /// <summary>Gets whether there is nothing to commit.</summary>
    public bool IsEmpty => Workflows.Count == 0 && Tasks.Count == 0 && Transitions.Count == 0 && Decisions.Count == 0 && Events.Count == 0;

    /// <summary>Empties the batch for reuse.</summary>
    public void Clear()
    {
        Workflows.Clear();
        Tasks.Clear();
        Transitions.Clear();
        Decisions.Clear();
        Events.Clear();
    }
}
