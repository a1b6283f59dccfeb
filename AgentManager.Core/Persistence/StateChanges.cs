using AgentManager.Events;
using AgentManager.Lifecycle;

namespace AgentManager.Persistence;

/// <summary>Changes that a store commits together, all or nothing: the latest records of changed
/// workflows and tasks (a task already stored may come as a <see cref="TaskStateChange"/> instead of a whole
/// record), the transitions that led there, and the events to publish once they are stored.</summary>
public sealed class StateChanges
{
    /// <summary>Gets workflows created or changed, in order.</summary>
    public List<WorkflowRecord> Workflows { get; } = [];

    /// <summary>Gets tasks created or changed, in order; a later record of a task replaces an earlier one. The engine
    /// fills it with its live tasks, each made a record when read (see <see cref="TaskRecordList"/>): a store that reads
    /// each entry once and stores it holds one record at a time.</summary>
    public TaskRecordList Tasks { get; } = new();

    /// <summary>Gets changes of tasks already stored, applied after <see cref="Tasks"/> (so a task first recorded in
    /// this batch may be changed by it too), in order: a later change of a task replaces an earlier one. A change of a
    /// task that neither the store nor this batch's <see cref="Tasks"/> holds makes the commit throw
    /// <see cref="InvalidOperationException"/> and store nothing; one that names no task (<c>default</c>) makes it
    /// throw <see cref="ArgumentException"/>.</summary>
    public List<TaskStateChange> TaskChanges { get; } = [];

    /// <summary>Gets the transitions, in the order they happened.</summary>
    public List<TaskTransition> Transitions { get; } = [];

    /// <summary>Gets human decisions applied or rejected by this batch; each replaces the stored decision of the
    /// same id, or is added when there is none (a decision applied in the process that took it).</summary>
    public List<HumanDecisionRecord> Decisions { get; } = [];

    /// <summary>Gets the events, in the order they are to be published.</summary>
    public List<AgentManagerEvent> Events { get; } = [];

    /// <summary>Gets the workflows this batch creates. The store applies the batch only if none of them is stored
    /// yet, and otherwise throws <see cref="WorkflowExistsException"/> and stores nothing, so that of two writers
    /// creating the same id at once exactly one succeeds.</summary>
    public List<string> CreatedWorkflows { get; } = [];

    /// <summary>Gets the fencing token the writer holds for each workflow it writes. The store applies the batch
    /// only if every listed workflow's stored lease still has that token, and otherwise throws
    /// <see cref="LeaseLostException"/> and stores nothing. A workflow first committed by this batch takes the lease
    /// fields of its record.</summary>
    public Dictionary<string, long> FencingTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets workflows whose events committed before this batch have all been published: they are marked
    /// published before this batch's own events are logged (see <see cref="IStateStore.ReadUnpublishedEventsAsync"/>).
    /// A workflow the store does not hold (purged meanwhile) is ignored.</summary>
    public List<string> PublishedWorkflows { get; } = [];

    /// <summary>Gets workflows whose lease this batch gives up once it is applied (owner and expiry cleared on the
    /// workflow and its tasks, the token kept); each must be in <see cref="FencingTokens"/>, or the commit throws
    /// <see cref="ArgumentException"/> and stores nothing. A workflow the store does not hold is ignored.</summary>
    public List<string> ReleasedLeases { get; } = [];

    /// <summary>Gets whether there is nothing to commit.</summary>
    public bool IsEmpty => Workflows.Count == 0 && Tasks.Count == 0 && TaskChanges.Count == 0 && Transitions.Count == 0 && Decisions.Count == 0 && Events.Count == 0
        && PublishedWorkflows.Count == 0 && ReleasedLeases.Count == 0;

    /// <summary>Empties the batch for reuse.</summary>
    public void Clear()
    {
        Workflows.Clear();
        Tasks.Clear();
        TaskChanges.Clear();
        Transitions.Clear();
        Decisions.Clear();
        Events.Clear();
        CreatedWorkflows.Clear();
        FencingTokens.Clear();
        PublishedWorkflows.Clear();
        ReleasedLeases.Clear();
    }

    /// <summary>Removes everything this batch holds about one workflow, for a writer that lost its lease.</summary>
    internal void RemoveWorkflow(string workflowId)
    {
        Workflows.RemoveAll(w => w.WorkflowId == workflowId);
        Tasks.RemoveWorkflow(workflowId);
        TaskChanges.RemoveAll(t => t.WorkflowId == workflowId);
        Transitions.RemoveAll(t => t.WorkflowId == workflowId);
        Decisions.RemoveAll(d => d.WorkflowId == workflowId);
        Events.RemoveAll(e => e.WorkflowId == workflowId);
        CreatedWorkflows.Remove(workflowId);
        FencingTokens.Remove(workflowId);
        PublishedWorkflows.Remove(workflowId);
        ReleasedLeases.Remove(workflowId);
    }
}
