using AgentManager.Execution;

namespace AgentManager.Workflows;

/// <summary>One task attempt in flight: its cancellation (by the workflow or by a passed deadline), the step it is
/// on, the thread-pool work item that runs it, and its news to the engine loop.</summary>
/// <remarks>
/// <para>It is the attempt's <see cref="CancellationTokenSource"/> itself, so an attempt costs one object
/// instead of a source with a timer and a linked source per step: the engine loop keeps the deadlines
/// (<see cref="AttemptDeadlines"/>) and cancels the source, workflow cancellation included. The source has no
/// timer and no registration of the engine's own, so it needs no disposal.</para>
/// <para>It is also the command its worker posts, instead of a command object per post: once when verification
/// begins (<see cref="BeginVerification"/>, only if the agent succeeded and the task has a verifier) and once when
/// the attempt ended (<see cref="Finish"/>). The loop reads the posts in order and tells them apart with
/// <see cref="TakeVerificationNews"/>.</para>
/// </remarks>
internal sealed class AttemptRun(AttemptWorker worker, TaskRuntime task, CancellationToken workflowCancelled)
    : CancellationTokenSource, IThreadPoolWorkItem, IEngineCommand
{
    private const long NotStarted = long.MinValue;
    private int _step;
    private long _agentStartedAt = NotStarted;
    private long _verificationStartedAt = NotStarted;

    // Read and written by the loop only: whether it has handled the post that verification began.
    private bool _verificationNewsTaken;

    public TaskRuntime Task { get; } = task;

    /// <summary>Gets the workflow's token, cancelled when the workflow is cancelled or the engine stops.</summary>
    public CancellationToken WorkflowCancelled { get; } = workflowCancelled;

    /// <summary>Gets or sets the runner of the attempt's agent; set by the loop before the attempt is queued.</summary>
    public IAgentRunner Runner { get; set; } = null!;

    /// <summary>Gets or sets what the agent is given; set by the loop before the attempt is queued.</summary>
    public AgentInvocation Invocation { get; set; } = null!;

    /// <summary>Gets the attempt's number (from 1, over the task's attempts).</summary>
    public int Number => Invocation.Attempt;

    /// <summary>Gets how the attempt ended; set by the worker before its last post.</summary>
    public AttemptOutcome Outcome { get; private set; }

    /// <summary>Gets why the attempt failed, or was cancelled.</summary>
    public string? Error { get; private set; }

    /// <summary>Gets what the agent printed, failed or not.</summary>
    public string? Output { get; private set; }

    /// <summary>Gets what the agent reported it consumed, failed or not.</summary>
    public AgentUsage? Usage { get; private set; }

    /// <summary>Gets the timestamp (of the engine's <see cref="TimeProvider"/>) at which verification began.</summary>
    public long VerificationStartedAt => Volatile.Read(ref _verificationStartedAt);

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

    /// <summary>Records that verification begins now; the worker then posts the attempt.</summary>
    public void BeginVerification(long timestamp) => Volatile.Write(ref _verificationStartedAt, timestamp);

    /// <summary>Records how the attempt ended; the worker then posts the attempt for the last time.</summary>
    public void Finish(AttemptOutcome outcome, string? error, string? output, AgentUsage? usage)
    {
        Outcome = outcome;
        Error = error;
        Output = output;
        Usage = usage;
    }

    /// <summary>Called by the loop for each post of the attempt, in order: <see langword="true"/> for the post that
    /// verification began (the first post, when verification began), <see langword="false"/> for the attempt's end.</summary>
    public bool TakeVerificationNews()
    {
        if (_verificationNewsTaken || VerificationStartedAt == NotStarted)
        {
            return false;
        }

        _verificationNewsTaken = true;
        return true;
    }

    /// <summary>Lets go of the attempt's output once the loop has recorded it (stale deadline entries may keep the
    /// attempt a while).</summary>
    public void ForgetEnd()
    {
        Error = null;
        Output = null;
        Usage = null;
    }

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
