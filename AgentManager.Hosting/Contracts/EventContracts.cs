namespace AgentManager.Hosting.Contracts;

/// <summary>An event on the wire. <c>id</c> is its event log sequence, or <see langword="null"/> for an event
/// that is only streamed live (task plan and hook events).</summary>
internal sealed record EventView(
    long? Id,
    string Type,
    string WorkflowId,
    string? TaskId,
    DateTimeOffset Timestamp,
    string? Reason,
    string? CorrelationId,
    TransitionView? Transition,
    int? PlanVersion,
    string? HookName);

/// <summary>One page of the event log, and the id to continue after.</summary>
internal sealed record EventPageView(IReadOnlyList<EventView> Items, long? LastId);
