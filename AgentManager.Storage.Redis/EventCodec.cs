using System.Text.Json;
using AgentManager.Events;
using AgentManager.Lifecycle;

namespace AgentManager.Storage.Redis;

/// <summary>Turns the public event records into the <c>kind</c> and <c>data</c> fields of a stream entry and back.</summary>
internal static class EventCodec
{
    internal const string Transition = "task_transition";
    internal const string Workflow = "workflow";
    internal const string Escalated = "task_escalated";
    internal const string Inbox = "human_inbox";
    internal const string Plan = "task_plan";
    internal const string Hook = "hook";
    internal const string Schedule = "schedule";

    private static EventWireContext Json => EventWireContext.Default;

    /// <summary>Writes an event of one of Core's event records.</summary>
    /// <returns><see langword="false"/> for any other event class, which this transport does not carry.</returns>
    public static bool TryEncode(AgentManagerEvent @event, out string kind, out string json)
    {
        (kind, json) = @event switch
        {
            TaskTransition e => (Transition, JsonSerializer.Serialize(
                new TransitionWire
                {
                    Type = e.Type, WorkflowId = e.WorkflowId, Timestamp = e.Timestamp, CorrelationId = e.CorrelationId,
                    TaskId = e.TaskId, From = e.From, To = e.To, Trigger = e.Trigger, Reason = e.Reason, Actor = e.Actor, Attempt = e.Attempt,
                },
                Json.TransitionWire)),
            WorkflowEvent e => (Workflow, JsonSerializer.Serialize(
                new WorkflowWire { Type = e.Type, WorkflowId = e.WorkflowId, Timestamp = e.Timestamp, CorrelationId = e.CorrelationId, Reason = e.Reason },
                Json.WorkflowWire)),
            TaskEscalatedEvent e => (Escalated, JsonSerializer.Serialize(
                new EscalatedWire
                {
                    Type = e.Type, WorkflowId = e.WorkflowId, Timestamp = e.Timestamp, CorrelationId = e.CorrelationId,
                    TaskId = e.TaskId, Level = e.Level, AgentId = e.AgentId, Reason = e.Reason,
                },
                Json.EscalatedWire)),
            HumanInboxEvent e => (Inbox, JsonSerializer.Serialize(
                new InboxWire
                {
                    Type = e.Type, WorkflowId = e.WorkflowId, Timestamp = e.Timestamp, CorrelationId = e.CorrelationId,
                    TaskId = e.TaskId, Reason = e.Reason, DecisionId = e.DecisionId, Actor = e.Actor,
                },
                Json.InboxWire)),
            TaskPlanEvent e => (Plan, JsonSerializer.Serialize(
                new PlanWire
                {
                    Type = e.Type, WorkflowId = e.WorkflowId, Timestamp = e.Timestamp, CorrelationId = e.CorrelationId,
                    Version = e.Version, Reason = e.Reason, Assignees = e.Assignees,
                },
                Json.PlanWire)),
            HookEvent e => (Hook, JsonSerializer.Serialize(
                new HookWire
                {
                    Type = e.Type, WorkflowId = e.WorkflowId, Timestamp = e.Timestamp, CorrelationId = e.CorrelationId,
                    HookName = e.HookName, Point = e.Point, ExitCode = e.ExitCode, Duration = e.Duration, OutputTail = e.OutputTail,
                    Reason = e.Reason, TimedOut = e.TimedOut, AllowFailure = e.AllowFailure,
                },
                Json.HookWire)),
            ScheduleEvent e => (Schedule, JsonSerializer.Serialize(
                new ScheduleWire
                {
                    Type = e.Type, WorkflowId = e.WorkflowId, Timestamp = e.Timestamp, CorrelationId = e.CorrelationId,
                    Occurrence = e.Occurrence, RunWorkflowId = e.RunWorkflowId, NextRun = e.NextRun, CatchUp = e.CatchUp,
                    MissedOccurrences = e.MissedOccurrences, SkipReason = e.SkipReason, Reason = e.Reason,
                },
                Json.ScheduleWire)),
            _ => ("", ""),
        };
        return kind.Length > 0;
    }

    /// <summary>Rebuilds an event through its public constructor, which checks it as it checks any new event, with
    /// <paramref name="origin"/> as its <see cref="AgentManagerEvent.Origin"/>.</summary>
    /// <exception cref="FormatException">The entry is not an event this version can rebuild; the message says why.</exception>
    public static AgentManagerEvent Decode(string kind, string json, string origin)
    {
        try
        {
            return kind switch
            {
                Transition => ToTransition(Read(json, Json.TransitionWire), origin),
                Workflow => ToWorkflow(Read(json, Json.WorkflowWire), origin),
                Escalated => ToEscalated(Read(json, Json.EscalatedWire), origin),
                Inbox => ToInbox(Read(json, Json.InboxWire), origin),
                Plan => ToPlan(Read(json, Json.PlanWire), origin),
                Hook => ToHook(Read(json, Json.HookWire), origin),
                Schedule => ToSchedule(Read(json, Json.ScheduleWire), origin),
                _ => throw new FormatException($"Unknown event kind '{kind}'."),
            };
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The {kind} event's JSON is invalid: {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"The {kind} event is not a valid event: {ex.Message}", ex);
        }
    }

    private static TaskTransition ToTransition(TransitionWire t, string origin)
    {
        var transition = new TaskTransition(t.WorkflowId, t.TaskId, t.From, t.To, t.Trigger, t.Reason, t.Actor, t.Attempt, t.Timestamp)
        {
            CorrelationId = t.CorrelationId, Origin = origin,
        };
        return string.Equals(transition.Type, t.Type, StringComparison.Ordinal)
            ? transition
            : throw new FormatException($"The task transition's type '{t.Type}' does not follow from its move to '{t.To}' by '{t.Trigger}' ('{transition.Type}').");
    }

    private static WorkflowEvent ToWorkflow(WorkflowWire w, string origin) =>
        new(w.Type, w.WorkflowId, w.Timestamp, w.Reason) { CorrelationId = w.CorrelationId, Origin = origin };

    private static TaskEscalatedEvent ToEscalated(EscalatedWire x, string origin) =>
        new(x.WorkflowId, x.TaskId, x.Level, x.AgentId, x.Timestamp, x.Reason) { CorrelationId = x.CorrelationId, Origin = origin };

    private static HumanInboxEvent ToInbox(InboxWire i, string origin) =>
        new(i.Type, i.WorkflowId, i.TaskId, i.Timestamp, i.Reason) { CorrelationId = i.CorrelationId, Origin = origin, DecisionId = i.DecisionId, Actor = i.Actor };

    private static TaskPlanEvent ToPlan(PlanWire p, string origin) =>
        new(p.Type, p.WorkflowId, p.Version, p.Timestamp) { CorrelationId = p.CorrelationId, Origin = origin, Reason = p.Reason, Assignees = [.. p.Assignees] };

    private static HookEvent ToHook(HookWire h, string origin) =>
        new(h.Type, h.WorkflowId, h.Timestamp, h.HookName, h.Point)
        {
            CorrelationId = h.CorrelationId, Origin = origin, ExitCode = h.ExitCode, Duration = h.Duration, OutputTail = h.OutputTail,
            Reason = h.Reason, TimedOut = h.TimedOut, AllowFailure = h.AllowFailure,
        };

    private static ScheduleEvent ToSchedule(ScheduleWire s, string origin) =>
        new(s.Type, s.WorkflowId, s.Timestamp)
        {
            CorrelationId = s.CorrelationId, Origin = origin, Occurrence = s.Occurrence, RunWorkflowId = s.RunWorkflowId, NextRun = s.NextRun,
            CatchUp = s.CatchUp, MissedOccurrences = s.MissedOccurrences, SkipReason = s.SkipReason, Reason = s.Reason,
        };

    private static T Read<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
        where T : class =>
        JsonSerializer.Deserialize(json, info) ?? throw new FormatException("The event's JSON is null.");
}
