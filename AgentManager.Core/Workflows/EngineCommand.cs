using AgentManager.Execution;
using AgentManager.Persistence;

namespace AgentManager.Workflows;

/// <summary>A message to the engine loop, the only code that changes workflow state.</summary>
/// <remarks>An interface rather than a base class, so that an attempt in flight (<see cref="AttemptRun"/>, a
/// <see cref="CancellationTokenSource"/>) can post itself instead of a command object per step.</remarks>
internal interface IEngineCommand
{
    /// <summary>Fails the caller waiting for this command, if any.</summary>
    void Fail(Exception error)
    {
    }
}

/// <summary>A command from an API caller, answered once its effects are stored.</summary>
internal abstract class RequestCommand : IEngineCommand
{
    public TaskCompletionSource Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets the caller's ambient correlation id, captured when the command was made.</summary>
    public string? CorrelationId { get; } = Diagnostics.CorrelationScope.Current;

    public void Fail(Exception error) => Reply.TrySetException(error);
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

    /// <summary>Gets the request of another engine to cancel the workflow, stored before this engine took it.</summary>
    public WorkflowRequest? CancelRequest { get; init; }
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

internal enum AttemptOutcome : byte
{
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>A retry's backoff delay has passed.</summary>
internal sealed class RetryDueCommand(TaskRuntime task, int attempt) : IEngineCommand
{
    public TaskRuntime Task { get; } = task;

    public int Attempt { get; } = attempt;
}
