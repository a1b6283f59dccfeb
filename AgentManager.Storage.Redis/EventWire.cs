using System.Text.Json;
using System.Text.Json.Serialization;
using AgentManager.Hooks;
using AgentManager.Lifecycle;
using AgentManager.Schedules;
using AgentManager.Workflows;

namespace AgentManager.Storage.Redis;

// The JSON of each public event record on the stream, written by this package (the records themselves are not
// serializable: their constructors validate, and a task event's type follows from its move). Every member an event
// needs is required, so an entry that lacks one fails to decode instead of making a different event.

/// <summary>The members every event has.</summary>
internal abstract record EventWire
{
    public required string Type { get; init; }

    public required string WorkflowId { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    public string? CorrelationId { get; init; }
}

internal sealed record TransitionWire : EventWire
{
    public required string TaskId { get; init; }

    [JsonConverter(typeof(SnakeCaseEnumConverter<TaskState>))]
    public required TaskState From { get; init; }

    [JsonConverter(typeof(SnakeCaseEnumConverter<TaskState>))]
    public required TaskState To { get; init; }

    [JsonConverter(typeof(SnakeCaseEnumConverter<TaskTrigger>))]
    public required TaskTrigger Trigger { get; init; }

    public string? Reason { get; init; }

    public required string Actor { get; init; }

    public required int Attempt { get; init; }
}

internal sealed record WorkflowWire : EventWire
{
    public string? Reason { get; init; }
}

internal sealed record EscalatedWire : EventWire
{
    public required string TaskId { get; init; }

    [JsonConverter(typeof(SnakeCaseEnumConverter<RepairLevel>))]
    public required RepairLevel Level { get; init; }

    public string? AgentId { get; init; }

    public required string Reason { get; init; }
}

internal sealed record InboxWire : EventWire
{
    public required string TaskId { get; init; }

    public required string Reason { get; init; }

    public string? DecisionId { get; init; }

    public string? Actor { get; init; }
}

internal sealed record PlanWire : EventWire
{
    public required int Version { get; init; }

    public string? Reason { get; init; }

    public required IReadOnlyList<string> Assignees { get; init; }
}

internal sealed record HookWire : EventWire
{
    public required string HookName { get; init; }

    [JsonConverter(typeof(SnakeCaseEnumConverter<HookPoint>))]
    public required HookPoint Point { get; init; }

    public int? ExitCode { get; init; }

    public required TimeSpan Duration { get; init; }

    public required string OutputTail { get; init; }

    public string? Reason { get; init; }

    public required bool TimedOut { get; init; }

    public required bool AllowFailure { get; init; }
}

internal sealed record ScheduleWire : EventWire
{
    public DateTimeOffset? Occurrence { get; init; }

    public string? RunWorkflowId { get; init; }

    public DateTimeOffset? NextRun { get; init; }

    public required bool CatchUp { get; init; }

    public required int MissedOccurrences { get; init; }

    [JsonConverter(typeof(SnakeCaseEnumConverter<ScheduleSkipReason>))]
    public ScheduleSkipReason? SkipReason { get; init; }

    public string? Reason { get; init; }
}

/// <summary>Writes an enum as its snake_case name and reads only names (a number is refused).</summary>
internal sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(TransitionWire))]
[JsonSerializable(typeof(WorkflowWire))]
[JsonSerializable(typeof(EscalatedWire))]
[JsonSerializable(typeof(InboxWire))]
[JsonSerializable(typeof(PlanWire))]
[JsonSerializable(typeof(HookWire))]
[JsonSerializable(typeof(ScheduleWire))]
internal sealed partial class EventWireContext : JsonSerializerContext;
