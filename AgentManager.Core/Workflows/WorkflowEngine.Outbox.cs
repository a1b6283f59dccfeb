using AgentManager.Events;
using AgentManager.Persistence;

namespace AgentManager.Workflows;

/// <summary>The published side of the outbox. Events are logged in the transaction of their change; once the engine
/// has published a batch, it marks its workflows published in the next commit. When the loop goes idle with marks
/// pending, it waits <see cref="PublishedMarkDelay"/> for a batch to carry them before it stores them in a small
/// commit of its own; a workflow that finished gives up its lease with its mark, stored at once. Events committed
/// but never marked (the process died in between) are published again: those of a workflow when an engine resumes
/// it, and those of finished workflows when an engine starts.</summary>
internal sealed partial class WorkflowEngine
{
    /// <summary>How long an idle loop leaves published marks for the next batch to carry. With small batches the loop
    /// goes idle between most of them, so storing marks at once made about every second commit a transaction of its
    /// own (SQLite: BEGIN, lease check, one UPDATE, COMMIT). 50 ms caps those at 20 a second, far below any batch
    /// rate worth saving, while a process killed meanwhile publishes again at most the last 50 ms of its events; a
    /// user gains nothing from tuning it, so it is no option.</summary>
    internal static readonly TimeSpan PublishedMarkDelay = TimeSpan.FromMilliseconds(50);

    private ITimer? _markTimer;

    // Written by the loop only; read by tests.
    private volatile bool _markTimerArmed;

    /// <summary>Whether the delay passed while marks waited, so that the loop stores them when it goes idle.</summary>
    private bool _marksDue;

    /// <summary>The workflows whose committed events are all published but not yet marked so, with the token of
    /// the lease they were written under.</summary>
    private readonly Dictionary<string, long> _publishedMarks = new(StringComparer.Ordinal);

    /// <summary>The finished workflows whose lease goes with their published mark.</summary>
    private readonly HashSet<string> _pendingReleases = new(StringComparer.Ordinal);

    private Task _startRelay = Task.CompletedTask;

    /// <summary>Gets or sets a test hook called after each commit of the loop and before its events are published;
    /// a test makes it throw to kill the engine between the two.</summary>
    internal Action<StateChanges>? AfterCommit { get; set; }

    /// <summary>Called right after a batch's events were published: its workflows are marked published in the next
    /// commit, and the runs that finished in it give up their lease there.</summary>
    private void NotePublished()
    {
        foreach (var (workflowId, token) in _changes.FencingTokens)
        {
            _publishedMarks[workflowId] = token;
        }

        foreach (var run in _finishedRuns)
        {
            if (run.Lease is not null && _publishedMarks.ContainsKey(run.Id))
            {
                _pendingReleases.Add(run.Id);
            }
        }
    }

    /// <summary>Gets whether marks wait for the delay to pass, so that a test knows the loop went idle with them.</summary>
    internal bool PublishedMarksWaiting => _markTimerArmed;

    private void AddPublishedMarks()
    {
        if (_publishedMarks.Count > 0)
        {
            _marksDue = false;
        }

        foreach (var (workflowId, token) in _publishedMarks)
        {
            _changes.FencingTokens.TryAdd(workflowId, token);
            _changes.PublishedWorkflows.Add(workflowId);
            if (_pendingReleases.Contains(workflowId))
            {
                _changes.ReleasedLeases.Add(workflowId);
            }
        }

        _publishedMarks.Clear();
        _pendingReleases.Clear();
    }

    /// <summary>Before the loop waits for work: stores the published marks that no batch carried, at once when a
    /// finished workflow's lease goes with them or the delay has passed, else once it passes.</summary>
    private async Task FlushPublishedMarksAsync(CancellationToken stopping)
    {
        if (_publishedMarks.Count == 0 || _inbox.HasQueued)
        {
            return;
        }

        if (_pendingReleases.Count == 0 && !_marksDue)
        {
            ArmMarkTimer();
            return;
        }

        await CommitFencedAsync(stopping).ConfigureAwait(false);
        _changes.Clear();

        // A lease found lost by this commit leaves its run's attempts to cancel.
        await FinishTurnAsync().ConfigureAwait(false);
    }

    private void ArmMarkTimer()
    {
        if (_markTimerArmed)
        {
            return;
        }

        _markTimerArmed = true;
        _markTimer ??= _time.CreateTimer(static engine => ((WorkflowEngine)engine!).Post(PublishedMarksDueCommand.Instance), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _markTimer.Change(PublishedMarkDelay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Handles the timer's news; <see langword="false"/> for every other command.</summary>
    private bool HandledForOutbox(IEngineCommand command)
    {
        if (command is not PublishedMarksDueCommand)
        {
            return false;
        }

        _markTimerArmed = false;
        _marksDue = _publishedMarks.Count > 0;
        return true;
    }

    /// <summary>When the loop ends: the marks left are stored by <see cref="ReleaseAllAsync"/>.</summary>
    private void StopMarkTimer() => _markTimer?.Dispose();

    /// <summary>Publishes the events of a workflow this engine just took the lease of that an earlier engine
    /// committed but did not mark published, then marks them.</summary>
    private async Task RelayAsync(WorkflowLease lease, CancellationToken cancellationToken)
    {
        var events = await _store.ReadUnpublishedEventsAsync(lease.WorkflowId, cancellationToken).ConfigureAwait(false);
        if (events.Count == 0)
        {
            return;
        }

        foreach (var @event in events)
        {
            await _bus.PublishAsync(@event, cancellationToken).ConfigureAwait(false);
        }

        var marks = new StateChanges();
        marks.FencingTokens[lease.WorkflowId] = lease.Token;
        marks.PublishedWorkflows.Add(lease.WorkflowId);
        await _store.CommitAsync(marks, cancellationToken).ConfigureAwait(false);
        EngineLog.EventsRelayed(_logger, lease.WorkflowId, events.Count);
    }

    /// <summary>Gets the relay started with the engine, so that a test can wait for it.</summary>
    internal Task StartRelayTask => _startRelay;

    private void StartRelay() => _startRelay = Task.Run(() => RelayFinishedAsync(_stopping.Token));

    /// <summary>At start: publishes the unpublished events of finished workflows (their engine died between the
    /// commit and the mark), each under the workflow's lease so that two engines never both publish them.
    /// Unfinished workflows are relayed when they are resumed.</summary>
    private async Task RelayFinishedAsync(CancellationToken stopping)
    {
        try
        {
            var pending = await _store.ReadUnpublishedEventsAsync(null, stopping).ConfigureAwait(false);
            foreach (var workflowId in pending.Select(e => e.WorkflowId).Distinct(StringComparer.Ordinal).ToArray())
            {
                // A workflow whose lease this engine holds was finished by this engine's own loop a moment ago, which
                // publishes and marks its events itself: taking the lease again would fence that loop out.
                if (await _store.GetWorkflowAsync(workflowId, stopping).ConfigureAwait(false) is not { } stored
                    || !stored.Status.IsFinished()
                    || string.Equals(stored.LeaseOwner, _owner, StringComparison.Ordinal))
                {
                    continue;
                }

                WorkflowLease lease;
                try
                {
                    (lease, _) = await AcquireForResumeAsync(stored, stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is LeaseHeldException or WorkflowStateException)
                {
                    continue;
                }

                try
                {
                    await RelayAsync(lease, stopping).ConfigureAwait(false);
                }
                finally
                {
                    await ReleaseQuietlyAsync(lease).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            EngineLog.RelayFailed(_logger, ex);
        }
    }
}
