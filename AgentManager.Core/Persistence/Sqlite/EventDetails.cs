using System.Text.Json;
using AgentManager.Events;
using AgentManager.Workflows;

namespace AgentManager.Persistence.Sqlite;

/// <summary>The <c>details</c> column of the event log: the fields an event needs, beyond the other columns, to
/// be published again by the outbox relay, and the rebuilding of the event from a logged row.</summary>
internal static class EventDetails
{
    private const string LevelKey = "level";
    private const string AgentKey = "agent_id";
    private const string DecisionKey = "decision_id";
    private const string ActorKey = "actor";

    public static string? Of(AgentManagerEvent @event)
    {
        if (@event is not (TaskEscalatedEvent or HumanInboxEvent))
        {
            return null; // most events (every task transition) have no details: no dictionary for them
        }

        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (@event)
        {
            case TaskEscalatedEvent escalated:
                details[LevelKey] = escalated.Level.ToWireName();
                Add(details, AgentKey, escalated.AgentId);
                break;
            case HumanInboxEvent inbox:
                Add(details, DecisionKey, inbox.DecisionId);
                Add(details, ActorKey, inbox.Actor);
                break;
            default:
                return null;
        }

        return JsonSerializer.Serialize(details, SqliteJson.Default.DictionaryStringString);
    }

    /// <summary>Rebuilds a logged event as a new, unpublished instance; <see langword="null"/> for a type the engine
    /// does not log.</summary>
    public static AgentManagerEvent? ToEvent(EventLogEntry entry, string? json)
    {
        var details = json is null ? [] : JsonSerializer.Deserialize(json, SqliteJson.Default.DictionaryStringString) ?? [];
        AgentManagerEvent? @event = entry switch
        {
            { Transition: { } transition } => transition,
            { Type: var type } when EventTypes.IsWorkflowType(type) => new WorkflowEvent(type, entry.WorkflowId, entry.Timestamp, entry.Reason),
            { Type: EventTypes.TaskEscalated, TaskId: { } taskId } => new TaskEscalatedEvent(
                entry.WorkflowId,
                taskId,
                RepairLevelNames.TryParse(details.GetValueOrDefault(LevelKey) ?? "", out var level) ? level : RepairLevel.Retry,
                details.GetValueOrDefault(AgentKey),
                entry.Timestamp,
                entry.Reason ?? ""),
            { Type: var type, TaskId: { } taskId } when EventTypes.IsHumanInboxType(type) => new HumanInboxEvent(type, entry.WorkflowId, taskId, entry.Timestamp, entry.Reason ?? "")
            {
                DecisionId = details.GetValueOrDefault(DecisionKey),
                Actor = details.GetValueOrDefault(ActorKey),
            },
            _ => null,
        };
        return @event is null || entry.CorrelationId is null ? @event : @event with { CorrelationId = entry.CorrelationId };
    }

    private static void Add(Dictionary<string, string> details, string key, string? value)
    {
        if (value is not null)
        {
            details[key] = value;
        }
    }
}
