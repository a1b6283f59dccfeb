using Microsoft.Extensions.Logging;

namespace AgentManager.Workflows;

/// <summary>The engine's log messages; event ids 1000-1099 belong to the engine.</summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Workflow {WorkflowId} started with {TaskCount} tasks")]
    public static partial void WorkflowStarted(ILogger logger, string workflowId, int taskCount);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Workflow {WorkflowId} finished: {Status}")]
    public static partial void WorkflowFinished(ILogger logger, string workflowId, WorkflowStatus status);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Task {WorkflowId}/{TaskId} attempt {Attempt} failed: {Error}")]
    public static partial void AttemptFailed(ILogger logger, string workflowId, string taskId, int attempt, string error);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Engine command {Command} failed")]
    public static partial void CommandFailed(ILogger logger, string command, Exception exception);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Workflow {WorkflowId} resumed with {Finished} of {TaskCount} tasks already finished")]
    public static partial void WorkflowResumed(ILogger logger, string workflowId, int finished, int taskCount);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "The checkpoint of task {WorkflowId}/{TaskId} attempt {Attempt} could not be saved; the attempt's result stands")]
    public static partial void CheckpointFailed(ILogger logger, string workflowId, string taskId, int attempt, Exception exception);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "The outcome of task {WorkflowId}/{TaskId} could not be written to agent memory")]
    public static partial void OutcomeNotRemembered(ILogger logger, string workflowId, string taskId, Exception exception);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Task {WorkflowId}/{TaskId} escalated to {Level}: agent {AgentId} takes over")]
    public static partial void TaskEscalated(ILogger logger, string workflowId, string taskId, RepairLevel level, string agentId);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "Task {WorkflowId}/{TaskId} is blocked and waits for a human")]
    public static partial void TaskBlockedForHuman(ILogger logger, string workflowId, string taskId);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Task {WorkflowId}/{TaskId}: human decision {Action} by {Actor} applied")]
    public static partial void HumanDecisionApplied(ILogger logger, string workflowId, string taskId, AgentManager.Inbox.HumanAction action, string actor);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "Task {WorkflowId}/{TaskId}: human decision {Action} by {Actor} rejected: {Reason}")]
    public static partial void HumanDecisionRejected(ILogger logger, string workflowId, string taskId, AgentManager.Inbox.HumanAction action, string actor, string reason);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Reading pending human decisions from the store failed; the next poll tries again")]
    public static partial void DecisionPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Task {WorkflowId}/{TaskId}: the human deadline passed; applying {Action}")]
    public static partial void HumanDeadlinePassed(ILogger logger, string workflowId, string taskId, DeadlineAction action);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "A cancellation callback of task {WorkflowId}/{TaskId}'s attempt failed")]
    public static partial void AttemptCancellationFailed(ILogger logger, string workflowId, string taskId, Exception exception);

    [LoggerMessage(EventId = 1019, Level = LogLevel.Warning, Message = "Workflow {WorkflowId}: removing what its attempts left in {Folder} before a crash failed; remove it by hand")]
    public static partial void LeftoverRemovalFailed(ILogger logger, string workflowId, string folder, Exception exception);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Critical, Message = "The engine loop failed and stopped")]
    public static partial void LoopFailed(ILogger logger, Exception exception);
}
