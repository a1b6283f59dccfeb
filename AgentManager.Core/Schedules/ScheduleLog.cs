using Microsoft.Extensions.Logging;

namespace AgentManager.Schedules;

/// <summary>The schedule runner's log messages; event ids 1300-1399 belong to schedules.</summary>
internal static partial class ScheduleLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "Schedule {ScheduleId} started workflow {WorkflowId} for {Occurrence:O}")]
    public static partial void Fired(ILogger logger, string scheduleId, string workflowId, DateTimeOffset occurrence);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Schedule {ScheduleId} skipped {Occurrence:O}: {Reason}")]
    public static partial void Skipped(ILogger logger, string scheduleId, DateTimeOffset occurrence, string reason);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Schedule {ScheduleId} could not start or resume workflow {WorkflowId}: {Reason}")]
    public static partial void Failed(ILogger logger, string scheduleId, string? workflowId, string reason);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Error, Message = "Schedule {ScheduleId} could not be processed; it is tried again at the next refresh")]
    public static partial void ProcessingFailed(ILogger logger, string scheduleId, Exception exception);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Error, Message = "The schedule records could not be read; trying again at the next refresh")]
    public static partial void TickFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Information, Message = "Schedule {ScheduleId} resumed its unfinished workflow {WorkflowId}, whose lease {PreviousOwner} no longer held")]
    public static partial void RunResumed(ILogger logger, string scheduleId, string workflowId, string previousOwner);

    [LoggerMessage(EventId = 1306, Level = LogLevel.Warning, Message = "Schedule {ScheduleId} is due at {Due:O}, but this process has no plan or workflow factory for it; it is left to a process that defined it")]
    public static partial void NotBuildableHere(ILogger logger, string scheduleId, DateTimeOffset due);
}
