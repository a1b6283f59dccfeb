using AgentManager.Lifecycle;
using AgentManager.Persistence;

namespace AgentManager.Workflows;

/// <summary>Workflow leases with fencing: an engine runs a workflow only while it holds the workflow's lease. It
/// takes the lease when it creates or resumes the workflow, renews all its leases in one store call per
/// <see cref="AgentManagerOptions.LeaseRenewInterval"/>, stamps every commit with the tokens it holds, and stops a
/// run whose lease another engine took over (its attempts are cancelled and it writes nothing more).</summary>
internal sealed partial class WorkflowEngine
{
    private readonly string _owner = EngineIdentity.NewOwner();
    private ITimer? _heartbeat;
    private int _renewing;
    private long _renewals;
    private int _leasesReleased;

    /// <summary>Gets how many renewals have finished, so that a test can wait for one.</summary>
    internal long Renewals => Interlocked.Read(ref _renewals);

    /// <summary>Gets the name this engine holds leases under.</summary>
    internal string LeaseOwner => _owner;

    /// <summary>The lease of a workflow this engine creates: it is stored with the workflow's first record.</summary>
    private WorkflowLease NewLease(string workflowId) => new(workflowId, _owner, 1, _time.GetUtcNow() + _options.LeaseDuration);

    /// <summary>Resumes a stored workflow under a lease taken first: the workflow is read again once this engine
    /// holds the lease, so no other engine changes it after; the events an earlier engine committed but did not
    /// publish are published before anything new happens to it.</summary>
    private async Task ResumeUnderLeaseAsync(WorkflowDefinition definition, WorkflowRecord stored, CancellationToken cancellationToken)
    {
        EnsureStarted();
        var (lease, previous) = await AcquireForResumeAsync(stored, cancellationToken).ConfigureAwait(false);
        try
        {
            stored = await _store.GetWorkflowAsync(stored.WorkflowId, cancellationToken).ConfigureAwait(false) ?? throw new WorkflowNotFoundException(stored.WorkflowId);
            if (stored.Status.IsFinished())
            {
                throw new WorkflowStateException(stored.WorkflowId, stored.Status, $"Workflow '{stored.WorkflowId}' is {stored.Status.ToWireName()}; only an unfinished workflow resumes.");
            }

            var tasks = await _store.GetTasksAsync(stored.WorkflowId, cancellationToken).ConfigureAwait(false);
            var run = CompileStored(definition, stored, tasks);
            (run.Lease, run.Reclaimed) = (lease, previous);
            _preparer?.RemoveLeftovers(run, tasks, _logger); // no attempt of it runs anywhere while this engine holds the lease
            await RelayAsync(lease, cancellationToken).ConfigureAwait(false); // outbox
            var requests = await _store.GetWorkflowRequestsAsync([stored.WorkflowId], cancellationToken).ConfigureAwait(false);
            var cancel = requests.FirstOrDefault(r => r.Kind == WorkflowRequestKind.Cancel);
            await SendAsync(new ResumeWorkflowCommand(run, stored, tasks) { CancelRequest = cancel }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await ReleaseQuietlyAsync(lease).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Takes over the lease of a stored workflow for resuming it: a free or expired lease, or one whose owner's
    /// process on this host is gone.</summary>
    /// <returns>The lease and, in words, what became of the previous one.</returns>
    private async Task<(WorkflowLease Lease, string Previous)> AcquireForResumeAsync(WorkflowRecord stored, CancellationToken cancellationToken)
    {
        if (_runs.ContainsKey(stored.WorkflowId))
        {
            throw new WorkflowStateException(stored.WorkflowId, stored.Status, $"Workflow '{stored.WorkflowId}' is already run by this engine.");
        }

        var now = _time.GetUtcNow();
        var gone = stored.LeaseOwner is { } current && !string.Equals(current, _owner, StringComparison.Ordinal) && EngineIdentity.IsGone(current);
        var lease = await _store.AcquireLeaseAsync(
            new LeaseClaim
            {
                WorkflowId = stored.WorkflowId,
                Owner = _owner,
                Now = now,
                ExpiresAt = now + _options.LeaseDuration,
                TakeOverToken = gone ? stored.FencingToken : null,
            },
            cancellationToken).ConfigureAwait(false);
        var previous = stored.LeaseOwner switch
        {
            null => "the previous engine released the workflow's lease",
            var holder when gone => $"the process of engine '{holder}', which held the lease, is gone",
            var holder => $"the lease of engine '{holder}' expired",
        };
        return (lease, previous);
    }

    /// <summary>Gives a lease back when resuming fails after it was taken; a failure here only delays other engines
    /// until the lease expires.</summary>
    private async Task ReleaseQuietlyAsync(WorkflowLease lease)
    {
        var changes = new StateChanges();
        changes.FencingTokens[lease.WorkflowId] = lease.Token;
        changes.ReleasedLeases.Add(lease.WorkflowId);
        try
        {
            await _store.CommitAsync(changes, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is LeaseLostException or InvalidOperationException)
        {
            EngineLog.LeaseReleaseFailed(_logger, ex);
        }
    }

    /// <summary>The reason of the transition that reclaims an attempt interrupted under a previous lease.</summary>
    private static string ReclaimReason(TaskRuntime task, bool last) =>
        $"Attempt {task.Attempt} was interrupted: {task.Run.Reclaimed ?? "the engine that ran it stopped"}; it counts as used"
        + (last ? " and was the last one allowed." : ".");

    private void StartHeartbeat() =>
        _heartbeat ??= _time.CreateTimer(static engine => ((WorkflowEngine)engine!).Renew(), this, _options.LeaseRenewInterval, _options.LeaseRenewInterval);

    /// <summary>Renews the leases of every run of this engine in one store call, at most one call at a time.</summary>
    private void Renew()
    {
        if (_runs.IsEmpty || Interlocked.CompareExchange(ref _renewing, 1, 0) != 0)
        {
            return;
        }

        _ = RenewAsync();
    }

    private async Task RenewAsync()
    {
        try
        {
            var runs = _runs.Values.Where(r => r.Lease is not null).ToArray();
            var leases = runs.Select(r => r.Lease!).ToArray();
            var expiresAt = _time.GetUtcNow() + _options.LeaseDuration;
            var lost = (await _store.RenewLeasesAsync(leases, expiresAt, _stopping.Token).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < runs.Length; i++)
            {
                if (lost.Contains(leases[i].WorkflowId))
                {
                    // A workflow created a moment ago may not be committed yet: only another token or owner is a loss.
                    var current = await _store.GetWorkflowAsync(leases[i].WorkflowId, _stopping.Token).ConfigureAwait(false);
                    if (current is not null && (current.FencingToken != leases[i].Token || !string.Equals(current.LeaseOwner, _owner, StringComparison.Ordinal)))
                    {
                        var error = new LeaseLostException(leases[i].WorkflowId, leases[i].Token, current.FencingToken, current.LeaseOwner);
                        Post(new LeaseLostCommand(leases[i].WorkflowId, leases[i].Token, error));
                    }
                }
                else if (ReferenceEquals(runs[i].Lease, leases[i]))
                {
                    runs[i].Lease = leases[i] with { ExpiresAt = expiresAt };
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            EngineLog.LeaseRenewFailed(_logger, ex);
        }
        finally
        {
            // Free for the next tick before counting: whoever sees the count knows the next tick renews.
            Volatile.Write(ref _renewing, 0);
            Interlocked.Increment(ref _renewals);
        }
    }

    /// <summary>The end of an attempt of a run that lost its lease: the attempt's slot and resources are free again,
    /// and nothing is recorded.</summary>
    private void ReleaseLostAttempt(AttemptRun attempt)
    {
        var task = attempt.Task;
        if (task.InFlight && task.Attempt == attempt.Number)
        {
            task.InFlight = false;
            task.Run.InFlightCount--;
            _running--;
            _queue.Release(task.HeldResources);
            task.HeldResources = [];
            Diagnostics.AgentManagerDiagnostics.Running.Add(-1);
        }
    }

    /// <summary>Handles lease news and the late news of runs that lost their lease (an attempt's own news is handled
    /// by <see cref="HandleAttemptNews"/>); <see langword="false"/> for every other command.</summary>
    private bool HandledForLease(IEngineCommand command)
    {
        switch (command)
        {
            case LeaseLostCommand lost:
                if (_runs.TryGetValue(lost.WorkflowId, out var run) && run.Lease?.Token == lost.Token)
                {
                    StopLostRun(run, lost.Error);
                }

                return true;
            case RetryDueCommand retry:
                return retry.Task.Run.LeaseLost;
            case DeadlineDueCommand deadline:
                return deadline.Task.Run.LeaseLost;
            default:
                return false;
        }
    }

    /// <summary>Stops a run whose lease another engine holds now: nothing more of it is written, its attempts are
    /// cancelled after this batch, and whoever waits for it learns why.</summary>
    private void StopLostRun(WorkflowRun run, LeaseLostException error)
    {
        DropRun(run);
        EngineLog.LeaseLost(_logger, run.Id, error.HeldToken, error.CurrentToken, error.CurrentOwner);
        run.SignalAbandoned(error);
    }

    /// <summary>Drops a run whose creating commit found its id already stored by another engine: the callers of
    /// this batch's commands about it, the creator first, get <paramref name="error"/>.</summary>
    private void RefuseDuplicateRun(WorkflowRun run, WorkflowExistsException error)
    {
        DropRun(run);
        foreach (var reply in _replies)
        {
            var about = reply switch
            {
                CreateWorkflowCommand create => create.Run == run,
                StartWorkflowCommand start => start.WorkflowId == run.Id,
                CancelWorkflowCommand cancel => cancel.WorkflowId == run.Id,
                HumanDecisionCommand decision => decision.Decision.WorkflowId == run.Id,
                _ => false,
            };
            if (about)
            {
                reply.Fail(error);
            }
        }

        run.SignalAbandoned(error);
    }

    /// <summary>Takes a run out of the engine: nothing more of it is written, and its attempts are cancelled after
    /// this batch.</summary>
    private void DropRun(WorkflowRun run)
    {
        run.LeaseLost = true;
        run.CancelRequested = true;
        _runs.TryRemove(KeyValuePair.Create(run.Id, run));
        _changes.RemoveWorkflow(run.Id);
        _dirtyRuns.Remove(run);
        _dirtyTasks.RemoveAll(t => t.Run == run);
        foreach (var unlaunched in _launches.Where(t => t.Run == run))
        {
            // Dispatched in this batch but never handed to a worker: no news of it will come.
            unlaunched.InFlight = false;
            run.InFlightCount--;
            _running--;
            _queue.Release(unlaunched.HeldResources);
            unlaunched.HeldResources = [];
            Diagnostics.AgentManagerDiagnostics.Running.Add(-1);
        }

        _launches.RemoveAll(t => t.Run == run);
        _ended.RemoveAll(t => t.Run == run);
        _finishedRuns.Remove(run);
        foreach (var task in run.Tasks)
        {
            task.RetryTimer?.Dispose();
            task.RetryTimer = null;
            task.DeadlineTimer?.Dispose();
            task.DeadlineTimer = null;
            if (task.State == TaskState.BlockedHitl)
            {
                Interlocked.Decrement(ref _blockedTasks);
            }
        }

        if (run.Cancellation is not null)
        {
            _cancellations.Add(run);
        }

        run.Activity?.Dispose();
    }

    /// <summary>Commits the batch under the engine's leases: it carries the fencing token of every workflow it
    /// writes. A workflow whose lease was lost, or whose id another engine created first, is stopped and dropped
    /// from the batch, and the rest is committed.</summary>
    private async Task CommitFencedAsync(CancellationToken stopping)
    {
        AddPublishedMarks();
        while (true)
        {
            StampFencingTokens();
            if (_changes.IsEmpty)
            {
                return;
            }

            try
            {
                await _store.CommitAsync(_changes, stopping).ConfigureAwait(false);
                AfterCommit?.Invoke(_changes);
                return;
            }
            catch (LeaseLostException lost)
            {
                if (_runs.TryGetValue(lost.WorkflowId, out var run) && run.Lease?.Token == lost.HeldToken)
                {
                    StopLostRun(run, lost);
                }
                else
                {
                    EngineLog.LeaseLost(_logger, lost.WorkflowId, lost.HeldToken, lost.CurrentToken, lost.CurrentOwner);
                }

                Drop(lost.WorkflowId);
            }
            catch (WorkflowExistsException exists)
            {
                if (_runs.TryGetValue(exists.WorkflowId, out var run))
                {
                    RefuseDuplicateRun(run, exists);
                }

                Drop(exists.WorkflowId);
            }
        }

        void Drop(string workflowId)
        {
            _changes.RemoveWorkflow(workflowId);
            _publishedMarks.Remove(workflowId);
            _pendingReleases.Remove(workflowId);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)] // every turn
    private void StampFencingTokens()
    {
        var fences = _changes.FencingTokens;
        string? last = null;
        void Stamp(string workflowId)
        {
            // Entries mostly share one id instance, often one the published marks stamped already: looked up once.
            if (ReferenceEquals(workflowId, last))
            {
                return;
            }

            last = workflowId;
            if (fences.ContainsKey(workflowId))
            {
                return;
            }

            if (_runs.TryGetValue(workflowId, out var run) && run.Lease is { } lease)
            {
                fences[workflowId] = lease.Token;
            }
            else if (_publishedMarks.TryGetValue(workflowId, out var token))
            {
                fences[workflowId] = token;
            }
        }

        foreach (var workflow in _changes.Workflows)
        {
            Stamp(workflow.WorkflowId);
        }

        for (var i = 0; i < _changes.Tasks.Count; i++)
        {
            Stamp(_changes.Tasks.SourceAt(i).WorkflowId); // no record made of the engine's task
        }

        foreach (ref readonly var change in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_changes.TaskChanges))
        {
            Stamp(change.WorkflowId); // by reference: a change is a large struct
        }

        foreach (var transition in _changes.Transitions)
        {
            Stamp(transition.WorkflowId);
        }

        foreach (var decision in _changes.Decisions)
        {
            Stamp(decision.WorkflowId);
        }

        foreach (var @event in _changes.Events)
        {
            Stamp(@event.WorkflowId);
        }
    }

    /// <summary>Gives back, when the engine stops, the leases of the runs it leaves unfinished, so that another
    /// engine can resume them at once, and records what was published.</summary>
    private async Task ReleaseAllAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _leasesReleased, 1) == 1)
        {
            return; // a second stop (DisposeAsync after StopAsync, Dispose after either) has nothing left to give back
        }

        await _startRelay.ConfigureAwait(false);
        var changes = new StateChanges();
        foreach (var (workflowId, token) in _publishedMarks)
        {
            changes.FencingTokens[workflowId] = token;
            changes.PublishedWorkflows.Add(workflowId);
        }

        foreach (var run in _runs.Values.Where(r => r.Lease is not null && !r.LeaseLost))
        {
            changes.FencingTokens[run.Id] = run.Lease!.Token;
        }

        changes.ReleasedLeases.AddRange(changes.FencingTokens.Keys);
        _publishedMarks.Clear();
        _pendingReleases.Clear();
        while (changes.ReleasedLeases.Count > 0)
        {
            try
            {
                await _store.CommitAsync(changes, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (LeaseLostException lost)
            {
                changes.RemoveWorkflow(lost.WorkflowId);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
            {
                EngineLog.LeaseReleaseFailed(_logger, ex);
                return;
            }
        }
    }
}
