using AgentManager.Events;
using AgentManager.Hosting.Adhoc;
using AgentManager.Hosting.Contracts;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Hosting.Mapping;

/// <summary>Turns stored workflows, tasks, transitions and events into their wire views.</summary>
internal static class WorkflowViews
{
    /// <summary>The workflow with every task.</summary>
    public static WorkflowView Workflow(WorkflowRecord workflow, IReadOnlyList<TaskRecord> tasks, long lastEventId, IReadOnlyList<WorkflowRequest>? requests) =>
        Workflow(workflow, tasks.CountBy(t => t.State).Select(c => new TaskStateCount(workflow.WorkflowId, c.Key, c.Value)), [.. tasks.Select(Task)], lastEventId, requests);

    /// <summary>The workflow with its task counts only, as a list shows it.</summary>
    public static WorkflowView Summary(WorkflowRecord workflow, IEnumerable<TaskStateCount> counts, long lastEventId) =>
        Workflow(workflow, counts, null, lastEventId, null);

    private static WorkflowView Workflow(WorkflowRecord workflow, IEnumerable<TaskStateCount> counts, WorkflowTaskView[]? tasks, long lastEventId, IReadOnlyList<WorkflowRequest>? requests) => new(
        workflow.WorkflowId,
        workflow.Name,
        workflow.Status.ToWireName(),
        workflow.Reason,
        workflow.CreatedAt,
        workflow.StartedAt,
        workflow.FinishedAt,
        workflow.Metadata,
        counts.Where(c => c.WorkflowId == workflow.WorkflowId).OrderBy(c => c.State).ToDictionary(c => c.State.ToWireName(), c => c.Count, StringComparer.Ordinal),
        tasks,
        lastEventId,
        workflow.LeaseOwner is { } owner ? new LeaseView(owner, workflow.LeaseExpiresAt, workflow.FencingToken) : null,
        requests?.OrderBy(r => r.Kind).Select(Request).ToArray());

    public static WorkflowRequestView Request(WorkflowRequest request) => new(
        request.Kind == WorkflowRequestKind.Start ? "start" : "cancel",
        request.Reason,
        request.RequestedBy,
        request.RequestedAt,
        request.CorrelationId);

    public static WorkflowTaskView Task(TaskRecord task) => new(
        task.TaskId,
        task.Title,
        task.State.ToWireName(),
        task.Attempt,
        task.Priority,
        task.AgentId,
        task.Dependencies,
        task.Resources,
        task.LastError,
        task.StartedAt,
        task.FinishedAt);

    public static TaskDetailView Detail(TaskRecord task, IReadOnlyList<TaskTransition> transitions) => new(
        task.WorkflowId,
        task.TaskId,
        task.Title,
        task.State.ToWireName(),
        task.Attempt,
        task.Priority,
        task.AgentId,
        task.Dependencies,
        task.Resources,
        task.Workdir,
        task.LastError,
        task.LastOutput,
        task.StartedAt,
        task.FinishedAt,
        transitions.Select(Transition).ToArray());

    public static TransitionView Transition(TaskTransition t) =>
        new(t.From.ToWireName(), t.To.ToWireName(), t.Trigger.ToWireName(), t.Reason, t.Actor, t.Attempt, t.Timestamp);

    public static AdhocTaskView Adhoc(AdhocTask task) => new(
        task.Record.TaskId,
        task.TaskType,
        task.Record.State.ToWireName(),
        task.Record.Dependencies,
        task.Metadata,
        task.Record.Attempt,
        task.Record.StartedAt,
        task.Record.FinishedAt,
        task.Record.LastError);

    public static EventView Event(EventLogEntry e) => new(
        e.Sequence,
        e.Type,
        e.WorkflowId,
        e.TaskId,
        e.Timestamp,
        e.Reason,
        e.CorrelationId,
        e.Transition is { } transition ? Transition(transition) : null,
        null,
        null);

    /// <summary>The view of an event that is streamed live only, without a log id.</summary>
    public static EventView Event(AgentManagerEvent e) => new(
        null,
        e.Type,
        e.WorkflowId,
        (e as TaskEvent)?.TaskId,
        e.Timestamp,
        e switch
        {
            TaskEvent task => task.Transition.Reason,
            WorkflowEvent workflow => workflow.Reason,
            TaskPlanEvent plan => plan.Reason,
            HookEvent hook => hook.Reason,
            _ => null,
        },
        e.CorrelationId,
        (e as TaskEvent)?.Transition is { } transition ? Transition(transition) : null,
        (e as TaskPlanEvent)?.Version,
        (e as HookEvent)?.HookName);
}
