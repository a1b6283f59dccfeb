using AgentManager.Execution;

namespace AgentManager.Workflows;

/// <summary>One task attempt in flight: its cancellation (by the workflow or by a passed deadline), the step it is
/// on, and the thread-pool work item that runs it.</summary>
/// <remarks>It is the attempt's <see cref="CancellationTokenSource"/> itself, so an attempt costs one object
/// instead of a source with a timer and a linked source per step: the engine loop keeps the deadlines
/// (<see cref="AttemptDeadlines"/>) and cancels the source, workflow cancellation included. The source has no
/// timer and no registration of the engine's own, so it needs no disposal.</remarks>
internal sealed class AttemptRun(AttemptWorker worker, TaskRuntime task, CancellationToken workflowCancelled)
    : CancellationTokenSource, IThreadPoolWorkItem
{
    private const long NotStarted = long.MinValue;
    private int _step;
    private long _agentStartedAt = NotStarted;

    public TaskRuntime Task { get; } = task;

    /// <summary>Gets the workflow's token, cancelled when the workflow is cancelled or the engine stops.</summary>
    public CancellationToken WorkflowCancelled { get; } = workflowCancelled;

    /// <summary>Gets or sets the runner of the attempt's agent; set by the loop before the attempt is queued.</summary>
    public IAgentRunner Runner { get; set; } = null!;

    /// <summary>Gets or sets what the agent is given; set by the loop before the attempt is queued.</summary>
    public AgentInvocation Invocation { get; set; } = null!;

    /// <summary>Gets the step the attempt is on.</summary>
    public AttemptStep Step => (AttemptStep)Volatile.Read(ref _step);

    /// <summary>Gets the timestamp (of the engine's <see cref="TimeProvider"/>) at which the agent was called, if it was.</summary>
    public long? AgentStartedAt => Volatile.Read(ref _agentStartedAt) is var at && at != NotStarted ? at : null;

    /// <summary>Records that the agent is being called now; its time limit counts from here.</summary>
    public void MarkAgentStarted(long timestamp) => Volatile.Write(ref _agentStartedAt, timestamp);

    /// <summary>Moves from the agent to verification, unless the agent's deadline was declared passed first.</summary>
    public bool TryBeginVerification() => Move(AttemptStep.Agent, AttemptStep.Verifying);

    /// <summary>Declares the deadline of <paramref name="step"/> passed, if the attempt is still on that step; the
    /// caller then cancels the attempt.</summary>
    public bool TryTimeOut(AttemptStep step) =>
        step is AttemptStep.Agent or AttemptStep.Verifying && Move(step, step + 1);

    /// <summary>Tells whether the deadline of <paramref name="step"/> was declared passed.</summary>
    public bool TimedOut(AttemptStep step) => Step == step + 1;

    /// <summary>Marks the attempt over, so that no deadline of it is declared passed any more.</summary>
    public void End() => Volatile.Write(ref _step, (int)AttemptStep.Ended);

    /// <summary>Gets the worker that runs the attempt.</summary>
    public AttemptWorker Worker => worker;

    void IThreadPoolWorkItem.Execute() => _ = worker.StartAsync(this);

    private bool Move(AttemptStep from, AttemptStep to) =>
        Interlocked.CompareExchange(ref _step, (int)to, (int)from) == (int)from;
}

/// <summary>The steps of an attempt; each timed step is followed by its timed-out state.</summary>
internal enum AttemptStep
{
    Agent,
    AgentTimedOut,
    Verifying,
    VerificationTimedOut,
    Ended,
}
