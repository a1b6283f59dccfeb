using AgentManager.Execution;
using AgentManager.Persistence;

namespace AgentManager.Workflows;

/// <summary>A message to the engine loop, the only code that changes workflow state.</summary>
internal abstract class EngineCommand
{
    /// <summary>Fails the caller waiting for this command, if any.</summary>
    public virtual void Fail(Exception error)
    {
    }
}

/// <summary>A command from an API caller, answered once its effects are stored.</summary>
internal abstract class RequestCommand : EngineCommand
{
    public TaskCompletionSource Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets the caller's ambient correlation id, captured when the command was made.</summary>
    public string? CorrelationId { get; } = Diagnostics.CorrelationScope.Current;

    public override void Fail(Exception error) => Reply.TrySetException(error);
}

internal sealed class CreateWorkflowCommand(WorkflowRun run) : RequestCommand
{
    public WorkflowRun Run { get; } = run;
}

internal sealed class ResumeWorkflowCommand(WorkflowRun run, WorkflowRecord stored, IReadOnlyList<TaskRecord> tasks) : RequestCommand
{
    public WorkflowRun Run { get; } = run;

    public WorkflowRecord Stored { get; } = stored;

    public IReadOnlyList<TaskRecord> Tasks { get; } = tasks;
}

internal sealed class StartWorkflowCommand(string workflowId) : RequestCommand
{
    public string WorkflowId { get; } = workflowId;
}

internal sealed class CancelWorkflowCommand(string workflowId, string reason) : RequestCommand
{
    public string WorkflowId { get; } = workflowId;

    public string Reason { get; } = reason;
}

internal enum AttemptOutcome
{
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>A worker's news that the agent succeeded and verification begins.</summary>
internal sealed class ImplementationSucceededCommand(AttemptRun run, int attempt, long verificationStartedAt) : EngineCommand
{
    public AttemptRun Run { get; } = run;

    public TaskRuntime Task => Run.Task;

    public int Attempt { get; } = attempt;

    /// <summary>Gets the timestamp (of the engine's <see cref="TimeProvider"/>) at which verification started.</summary>
    public long VerificationStartedAt { get; } = verificationStartedAt;
}

/// <summary>A worker's news that an attempt ended.</summary>
internal sealed class AttemptFinishedCommand(TaskRuntime task, int attempt, AttemptOutcome outcome, string? error, string? output, AgentUsage? usage = null) : EngineCommand
{
    /// <summary>Gets what the agent reported it consumed, failed or not.</summary>
    public AgentUsage? Usage { get; } = usage;

    public TaskRuntime Task { get; } = task;

    public int Attempt { get; } = attempt;

    public AttemptOutcome Outcome { get; } = outcome;

    public string? Error { get; } = error;

    public string? Output { get; } = output;
}

/// <summary>A retry's backoff delay has passed.</summary>
internal sealed class RetryDueCommand(TaskRuntime task, int attempt) : EngineCommand
{
    public TaskRuntime Task { get; } = task;

    public int Attempt { get; } = attempt;
}
