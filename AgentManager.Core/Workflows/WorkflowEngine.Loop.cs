using System.Runtime.CompilerServices;
using AgentManager.Diagnostics;
using AgentManager.Events;
using AgentManager.Lifecycle;
using AgentManager.Memory;
using AgentManager.Persistence;
using Microsoft.Extensions.Logging;

namespace AgentManager.Workflows;

internal sealed partial class WorkflowEngine
{
    private const int MaxCommandsPerBatch = 4096;
    private const int MaxTaskChanges = 1024;

    private readonly StateChanges _changes = new();
    private readonly List<TaskRuntime> _dirtyTasks = [];
    private readonly List<WorkflowRun> _dirtyRuns = [];
    private readonly List<TaskRuntime> _launches = [];
    private readonly List<TaskRuntime> _ended = [];
    private readonly List<RequestCommand> _replies = [];
    private readonly List<WorkflowRun> _finishedRuns = [];
    private readonly List<WorkflowRun> _cancellations = [];
    private readonly List<AttemptRun> _timedOut = [];
    private readonly List<int> _indexBuffer = [];
    private int _running;

    // The clock, read at most once per loop turn, when first needed: every transition of a turn carries the
    // same time (one read instead of one per transition).
    private DateTimeOffset _turnTime;
    private long _turnTimestamp;
    private bool _clockRead;

    private async Task RunLoopAsync(CancellationToken stopping)
    {
        StartStorePolling();
        try
        {
            while (await _inbox.WaitToReadAsync().ConfigureAwait(false))
            {
                stopping.ThrowIfCancellationRequested();
                _clockRead = false;
                var handled = 0;
                while (handled++ < MaxCommandsPerBatch && _inbox.TryRead(out var command))
                {
                    Handle(command);
                }

                Dispatch();
                await FlushAsync(stopping).ConfigureAwait(false);
                await FlushPublishedMarksAsync(stopping).ConfigureAwait(false); // outbox
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            EngineLog.LoopFailed(_logger, ex);
            _stopped = true;
            var failure = new InvalidOperationException("The AgentManager engine loop failed; see the inner exception.", ex);
            foreach (var reply in _replies)
            {
                reply.Fail(failure);
            }

            foreach (var run in _runs.Values)
            {
                run.SignalAbandoned(failure);
            }

            throw;
        }
        finally
        {
            StopStorePolling();
            StopMarkTimer(); // outbox
            _deadlines.Dispose();
            CancelAllAttempts();
            AbandonUnread();
        }
    }

    /// <summary>Refuses further commands and fails those the loop will not handle any more.</summary>
    private void AbandonUnread()
    {
        _inbox.Complete();
        var stopped = EngineStopped();
        while (_inbox.TryRead(out var command))
        {
            command.Fail(stopped);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every result
    private void Handle(IEngineCommand command)
    {
        var firstEvent = _changes.Events.Count;
        try
        {
            if (command is AttemptRun attempt)
            {
                HandleAttemptNews(attempt);
                return;
            }

            if (HandledForLease(command) || HandledForOutbox(command))
            {
                return;
            }

            switch (command)
            {
                case CreateWorkflowCommand create:
                    OnCreate(create);
                    break;
                case StartWorkflowCommand start:
                    OnStart(start);
                    break;
                case ResumeWorkflowCommand resume:
                    OnResume(resume);
                    break;
                case CancelWorkflowCommand cancel:
                    OnCancel(cancel);
                    break;
                case RetryDueCommand retry:
                    OnRetryDue(retry);
                    break;
                case HumanDecisionCommand decision:
                    OnHumanDecision(decision);
                    break;
                case StoredDecisionsCommand stored:
                    OnStoredDecisions(stored);
                    break;
                case StoredCancelRequestsCommand requests:
                    OnStoredCancelRequests(requests);
                    break;
                case DeadlineDueCommand deadline:
                    OnDeadlineDue(deadline);
                    break;
                case AttemptDeadlinesDueCommand:
                    OnAttemptDeadlinesDue();
                    break;
                default:
                    throw new InvalidOperationException($"Unknown engine command {command.GetType().Name}.");
            }

            Correlate(command, firstEvent);
        }
        catch (AgentManagerException ex) when (command is RequestCommand)
        {
            command.Fail(ex);
        }
        catch (Exception ex) when (command is not RequestCommand)
        {
            EngineLog.CommandFailed(_logger, command.GetType().Name, ex);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per workflow, over every task
    private void OnCreate(CreateWorkflowCommand command)
    {
        var run = command.Run;
        if (!_runs.TryAdd(run.Id, run))
        {
            throw new WorkflowValidationException([$"Workflow id '{run.Id}' is already in use."]);
        }

        MarkDirty(run);
        _dirtyTasks.EnsureCapacity(_dirtyTasks.Count + run.Tasks.Length); // one array, not a doubling series of them
        foreach (var task in run.Tasks)
        {
            MarkDirty(task);
        }

        _changes.CreatedWorkflows.Add(run.Id); // leases: refused if another engine created the id first
        _changes.Events.Add(new WorkflowEvent(EventTypes.WorkflowCreated, run.Id, run.CreatedAt));
        _replies.Add(command);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per workflow, over every task
    private void OnStart(StartWorkflowCommand command)
    {
        var run = FindRun(command.WorkflowId);
        if (run.Status != WorkflowStatus.Created)
        {
            throw new WorkflowStateException(run.Id, run.Status, $"Workflow '{run.Id}' cannot start: it is {run.Status.ToWireName()}, and only a created workflow starts.");
        }

        var now = TurnTime;
        run.Status = WorkflowStatus.Running;
        run.StartedAt = now;
        run.Cancellation = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        run.Activity = AgentManagerDiagnostics.StartDetached("workflow.run");
        run.Activity?.SetTag("agentmanager.workflow.id", run.Id);
        MarkDirty(run);
        _changes.Events.Add(new WorkflowEvent(EventTypes.WorkflowStarted, run.Id, now));
        EngineLog.WorkflowStarted(_logger, run.Id, run.Tasks.Length);
        ReserveForRoots(run);
        foreach (var task in run.Tasks)
        {
            if (task.Dependencies.Count == 0)
            {
                MakeReady(task, TaskTrigger.DependenciesMet, null);
            }
        }

        _replies.Add(command);
    }

    /// <summary>Sizes the turn's lists once for the tasks a start makes ready (its dirty tasks, and its transitions and
    /// events, one of each per task and per first attempt), and the dispatch queue's line when they share a priority:
    /// 100,000 tasks without dependencies would grow each one doubling at a time, every step from 16,384 on a large
    /// object heap array left for a full collection.</summary>
    private void ReserveForRoots(WorkflowRun run)
    {
        var roots = 0;
        var priority = 0;
        var onePriority = true;
        foreach (var task in run.Tasks)
        {
            if (task.Dependencies.Count == 0)
            {
                onePriority &= roots++ == 0 || task.Priority == priority;
                priority = task.Priority;
            }
        }

        if (roots == 0)
        {
            return;
        }

        if (onePriority)
        {
            _queue.Reserve(priority, roots);
        }

        _dirtyTasks.EnsureCapacity(_dirtyTasks.Count + roots);

        // The turn also starts the first attempts: a move and an event for each.
        var moves = roots + Math.Min(roots, _options.MaxConcurrency);
        _changes.Transitions.EnsureCapacity(_changes.Transitions.Count + moves);
        _changes.Events.EnsureCapacity(_changes.Events.Count + moves);
    }

    private void OnResume(ResumeWorkflowCommand command)
    {
        var run = command.Run;
        if (!_runs.TryAdd(run.Id, run))
        {
            throw new WorkflowStateException(run.Id, WorkflowStatus.Running, $"Workflow '{run.Id}' is already run by this engine.");
        }

        run.Usage = command.Stored.Usage;
        var records = command.Tasks.ToDictionary(t => t.TaskId, StringComparer.Ordinal);
        foreach (var task in run.Tasks)
        {
            var record = records[task.Id];
            (task.State, task.Attempt, task.LastError, task.LastOutput, task.StartedAt, task.FinishedAt) =
                (record.State, record.Attempt, record.LastError, record.LastOutput, record.StartedAt, record.FinishedAt);
            RestoreLadder(task, record);
            if (task.State.IsTerminal())
            {
                run.TerminalCount++;
                run.FailedCount += task.State == TaskState.Failed ? 1 : 0;
            }
            else if (task.State == TaskState.BlockedHitl)
            {
                Interlocked.Increment(ref _blockedTasks);
                ArmDeadline(task);
            }
        }

        foreach (var id in run.Graph.TopologicalOrder())
        {
            var task = run.TasksByIndex[run.Graph.IndexOf(id)];
            if (task.State == TaskState.Completed)
            {
                _indexBuffer.Clear();
                run.Graph.MarkCompleted(task.Index, _indexBuffer);
            }
        }

        _replies.Add(command);
        PollDecisions(force: true);
        if (command.Stored.Status == WorkflowStatus.Created)
        {
            CancelIfRequested(run, command.CancelRequest);
            return;
        }

        run.Status = WorkflowStatus.Running;
        run.StartedAt = command.Stored.StartedAt ?? TurnTime;
        run.Cancellation = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        run.Activity = AgentManagerDiagnostics.StartDetached("workflow.run");
        run.Activity?.SetTag("agentmanager.workflow.id", run.Id);
        run.Activity?.SetTag("agentmanager.workflow.resumed", true);
        MarkDirty(run);
        EngineLog.WorkflowResumed(_logger, run.Id, run.TerminalCount, run.Tasks.Length);
        if (CancelIfRequested(run, command.CancelRequest))
        {
            return; // nothing of it runs again
        }

        foreach (var task in run.Tasks)
        {
            switch (task.State)
            {
                case TaskState.Implementing or TaskState.Verifying when task.LevelAttempts < AttemptsAllowed(task):
                    MakeReady(task, TaskTrigger.LeaseExpired, ReclaimReason(task, last: false));
                    break;
                case TaskState.Implementing or TaskState.Verifying:
                    FailAttempt(task, ReclaimReason(task, last: true));
                    break;
                case TaskState.BlockedRepair:
                    ClimbLadder(task, task.LastError ?? "The previous attempt failed.");
                    break;
                case TaskState.Ready:
                    _queue.Enqueue(task, task.Priority, task.Resources);
                    break;
                case TaskState.Pending when run.Graph.UnmetDependencyCount(task.Id) == 0:
                    MakeReady(task, TaskTrigger.DependenciesMet, null);
                    break;
                default:
                    break;
            }
        }

        CheckFinished(run);
    }

    private void OnCancel(CancelWorkflowCommand command)
    {
        var run = FindRun(command.WorkflowId);
        if (run.Status.IsFinished() || run.CancelRequested)
        {
            throw new WorkflowStateException(run.Id, run.Status, $"Workflow '{run.Id}' cannot be cancelled: it is already {(run.CancelRequested ? "being cancelled" : run.Status.ToWireName())}.");
        }

        CancelRun(run, command.Reason);
        _replies.Add(command);
    }

    /// <summary>Ends every unfinished task of the run cancelled and stops its running attempts.</summary>
    private void CancelRun(WorkflowRun run, string reason)
    {
        run.CancelRequested = true;
        run.Reason = reason;
        if (run.Status == WorkflowStatus.Created)
        {
            run.Status = WorkflowStatus.Running;
        }

        foreach (var task in run.Tasks)
        {
            if (!task.State.IsTerminal())
            {
                CancelTask(task, reason);
            }
        }

        if (run.Cancellation is not null)
        {
            _cancellations.Add(run);
        }

        CheckFinished(run);
    }

    /// <summary>Handles a post of an attempt's worker: verification began, or the attempt ended. Either is news no
    /// more once the task has moved on to another attempt (or none), and only frees the attempt's slot when the
    /// run's lease was lost.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every result
    private void HandleAttemptNews(AttemptRun attempt)
    {
        var verifying = attempt.TakeVerificationNews();
        if (attempt.Task.Run.LeaseLost)
        {
            if (!verifying)
            {
                ReleaseLostAttempt(attempt);
            }
        }
        else if (verifying)
        {
            OnImplementationSucceeded(attempt);
        }
        else
        {
            OnAttemptFinished(attempt);
            attempt.ForgetEnd();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every result
    private void OnImplementationSucceeded(AttemptRun attempt)
    {
        var task = attempt.Task;
        if (!task.InFlight || task.Attempt != attempt.Number)
        {
            return;
        }

        _deadlines.Add(attempt, AttemptStep.Verifying, attempt.VerificationStartedAt, _options.VerificationTimeout, _running);
        if (task.State == TaskState.Implementing)
        {
            Fire(task, TaskTrigger.ImplementationSucceeded);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every result
    private void OnAttemptFinished(AttemptRun command)
    {
        var task = command.Task;
        var run = task.Run;
        if (!task.InFlight || task.Attempt != command.Number)
        {
            return;
        }

        task.InFlight = false;
        task.CurrentAttempt?.End();
        task.CurrentAttempt = null;
        run.InFlightCount--;
        _running--;
        _queue.Release(task.HeldResources);
        task.HeldResources = [];
        AgentManagerDiagnostics.Running.Add(-1);
        AgentManagerDiagnostics.Duration.Record(_time.GetElapsedTime(task.AttemptStartedTimestamp, TurnTimestamp).TotalSeconds);

        AddUsage(task, command.Usage);
        if (task.State is TaskState.Implementing or TaskState.Verifying)
        {
            task.LastOutput = Tail(command.Output);
            switch (command.Outcome)
            {
                case AttemptOutcome.Succeeded:
                    CompleteTask(task);
                    break;
                case AttemptOutcome.Failed:
                    FailAttempt(task, command.Error ?? "The attempt failed.");
                    break;
                default:
                    break;
            }
        }

        CheckFinished(run);
    }

    private void OnRetryDue(RetryDueCommand command)
    {
        var task = command.Task;
        task.RetryTimer?.Dispose();
        task.RetryTimer = null;
        if (task.State == TaskState.BlockedRepair && task.Attempt == command.Attempt)
        {
            MakeReady(task, TaskTrigger.Retry, RetryReason(task, task.LastError));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every result
    private void CompleteTask(TaskRuntime task)
    {
        if (task.State == TaskState.Implementing)
        {
            Fire(task, TaskTrigger.ImplementationSucceeded);
        }

        Fire(task, TaskTrigger.VerificationPassed);
        AgentManagerDiagnostics.Completed.Add(1);
        ReleaseDependents(task);
    }

    /// <summary>Marks a completed task in the graph and makes the dependents whose dependencies are all met ready.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every result
    private void ReleaseDependents(TaskRuntime task)
    {
        var run = task.Run;
        _indexBuffer.Clear();
        run.Graph.MarkCompleted(task.Index, _indexBuffer);
        foreach (var index in _indexBuffer)
        {
            var dependent = run.TasksByIndex[index];
            if (dependent.State == TaskState.Pending && !run.CancelRequested)
            {
                MakeReady(dependent, TaskTrigger.DependenciesMet, null);
            }
        }
    }

    private void FailAttempt(TaskRuntime task, string error)
    {
        task.LastError = error;
        Fire(task, TaskTrigger.AttemptFailed, error);
        EngineLog.AttemptFailed(_logger, task.Run.Id, task.Id, task.Attempt, error);
        ClimbLadder(task, error);
    }

    private void CancelTask(TaskRuntime task, string reason)
    {
        task.RetryTimer?.Dispose();
        task.RetryTimer = null;
        task.LastError = reason;
        Fire(task, TaskTrigger.Cancel, reason);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every result
    private void MakeReady(TaskRuntime task, TaskTrigger trigger, string? reason)
    {
        Fire(task, trigger, reason);
        _queue.Enqueue(task, task.Priority, task.Resources);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every result
    private void Dispatch()
    {
        while (_running < _options.MaxConcurrency && _queue.TryDequeue(out var task, out var resources))
        {
            if (task.State != TaskState.Ready || task.Run.CancelRequested || StopsForBudget(task))
            {
                _queue.Release(resources);
                continue;
            }

            var run = task.Run;
            task.Attempt++;
            task.LevelAttempts++;
            task.GrantedByHuman = false;
            task.StartedAt ??= TurnTime;
            task.InFlight = true;
            task.HeldResources = resources;
            task.AttemptStartedTimestamp = TurnTimestamp;
            run.InFlightCount++;
            _running++;
            Fire(task, TaskTrigger.Start);
            task.CurrentAttempt = new AttemptRun(_worker, task, run.Cancellation!.Token);
            _deadlines.Add(task.CurrentAttempt, AttemptStep.Agent, task.AttemptStartedTimestamp, task.Timeout, _running);
            AgentManagerDiagnostics.Started.Add(1);
            AgentManagerDiagnostics.Running.Add(1);
            _launches.Add(task);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every result
    private void CheckFinished(WorkflowRun run)
    {
        if (run.Status != WorkflowStatus.Running || run.TerminalCount < run.Tasks.Length || run.InFlightCount > 0)
        {
            return;
        }

        var now = TurnTime;
        string type;
        if (run.CancelRequested)
        {
            run.Status = WorkflowStatus.Cancelled;
            type = EventTypes.WorkflowCancelled;
        }
        else if (run.FailedCount > 0)
        {
            run.Status = WorkflowStatus.Failed;
            run.Reason = $"{run.FailedCount} task(s) failed: " + string.Join(", ", run.Tasks.Where(t => t.State == TaskState.Failed).Select(t => $"'{t.Id}'"));
            type = EventTypes.WorkflowFailed;
        }
        else if (run.Tasks.Where(t => t.State == TaskState.Cancelled).Select(t => $"'{t.Id}'").ToArray() is { Length: > 0 } cancelled)
        {
            // Only a human cancels a task of a workflow that was not cancelled and had no failure.
            run.Status = WorkflowStatus.Cancelled;
            run.Reason = $"{cancelled.Length} task(s) cancelled: " + string.Join(", ", cancelled);
            type = EventTypes.WorkflowCancelled;
        }
        else
        {
            run.Status = WorkflowStatus.Completed;
            type = EventTypes.WorkflowCompleted;
        }

        run.FinishedAt = now;
        MarkDirty(run);
        _changes.Events.Add(new WorkflowEvent(type, run.Id, now, run.Reason));
        EngineLog.WorkflowFinished(_logger, run.Id, run.Status);
        run.Activity?.SetTag("agentmanager.workflow.status", run.Status.ToWireName());
        run.Activity?.Dispose();
        _finishedRuns.Add(run);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every result
    private void Fire(TaskRuntime task, TaskTrigger trigger, string? reason = null, string actor = TaskLifecycle.EngineActor)
    {
        // The compiler validated the ids once.
        var transition = TaskLifecycle.TransitionOfValidIds(task.Run.Id, task.Id, task.State, trigger, task.Attempt, TurnTime, actor, reason);
        TrackBlocked(task, transition);
        task.State = transition.To;
        if (transition.To.IsTerminal())
        {
            if (_outcomes is not null)
            {
                _ended.Add(task);
            }

            task.FinishedAt = transition.Timestamp;
            task.Run.TerminalCount++;
            if (transition.To == TaskState.Failed)
            {
                task.Run.FailedCount++;
            }
        }

        MarkDirty(task);
        _changes.Transitions.Add(transition);
        _changes.Events.Add(transition); // the transition is its own event
    }

    /// <summary>Commits the turn's changes, publishes their events and finishes the turn; completes synchronously when
    /// the store does and no subscriber makes the loop wait (the in-memory store with room in every queue).</summary>
    private Task FlushAsync(CancellationToken stopping)
    {
        CollectChanges();
        if (_changes.IsEmpty)
        {
            return FinishTurnAsync();
        }

        CorrelateRemaining();
        var commit = CommitFencedAsync(stopping); // leases: fencing tokens, lost leases
        if (!commit.IsCompletedSuccessfully)
        {
            return CommitThenPublishAsync(commit, stopping);
        }

        var published = PublishTurnEvents(stopping);
        return published.IsCompletedSuccessfully ? AfterPublish() : PublishedThenFinishAsync(published);
    }

    private async Task CommitThenPublishAsync(Task commit, CancellationToken stopping)
    {
        await commit.ConfigureAwait(false);
        await PublishTurnEvents(stopping).ConfigureAwait(false);
        await AfterPublish().ConfigureAwait(false);
    }

    private async Task PublishedThenFinishAsync(ValueTask published)
    {
        await published.ConfigureAwait(false);
        await AfterPublish().ConfigureAwait(false);
    }

    /// <summary>The turn's events, in order: all at once on the engine's own bus (one lock for the turn), one by one on
    /// another <see cref="IEventBus"/>.</summary>
    private ValueTask PublishTurnEvents(CancellationToken stopping) =>
        _bus is EventBus bus ? bus.PublishAllAsync(_changes.Events, 0, stopping) : PublishOneByOneAsync(stopping);

    private async ValueTask PublishOneByOneAsync(CancellationToken stopping)
    {
        foreach (var @event in _changes.Events)
        {
            await _bus.PublishAsync(@event, stopping).ConfigureAwait(false);
        }
    }

    private Task AfterPublish()
    {
        NotePublished(); // outbox
        _changes.Clear();
        return FinishTurnAsync();
    }

    /// <summary>Moves the records of the workflows and tasks the turn changed into <see cref="_changes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every turn
    private void CollectChanges()
    {
        foreach (var run in _dirtyRuns)
        {
            run.Dirty = false;
            _changes.Workflows.Add(run.ToRecord());
        }

        // A task's first record is whole, later ones carry only what changes. Past MaxTaskChanges in one turn (a large
        // workflow's start) whole records go instead: small objects that die young, where a struct array that large
        // would sit in the large object heap until a full collection.
        var room = MaxTaskChanges - _changes.TaskChanges.Count;
        if (_dirtyTasks.Count > room)
        {
            _changes.Tasks.EnsureCapacity(_changes.Tasks.Count + _dirtyTasks.Count);
        }

        foreach (var task in _dirtyTasks)
        {
            task.Dirty = false;
            if (task.Recorded && room-- > 0)
            {
                _changes.TaskChanges.Add(task.ToChange());
            }
            else
            {
                task.Recorded = true;
                _changes.Tasks.AddSource(task); // read as a record only when the store reads it
            }
        }

        _dirtyRuns.Clear();
        _dirtyTasks.Clear();
    }

    /// <summary>What follows a commit: outcomes recorded, attempts launched, cancellations made (also of a run whose
    /// lease the commit found lost), callers answered, finished runs let go.</summary>
    private Task FinishTurnAsync()
    {
        StartFinishingTurn();
        if (_cancellations.Count == 0)
        {
            EndTurn();
            return Task.CompletedTask;
        }

        return CancelThenEndTurnAsync();
    }

    private async Task CancelThenEndTurnAsync()
    {
        foreach (var run in _cancellations)
        {
            await run.Cancellation!.CancelAsync().ConfigureAwait(false);
            foreach (var task in run.Tasks)
            {
                if (task.CurrentAttempt is { } attempt)
                {
                    await attempt.CancelAsync().ConfigureAwait(false);
                }
            }
        }

        EndTurn();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every turn
    private void StartFinishingTurn()
    {
        ReleaseDecisionPoll();

        foreach (var task in _ended)
        {
            _outcomes!.Enqueue(TaskOutcome.FromRecord(task.ToRecord(), task.Prompt));
        }

        _ended.Clear();
        foreach (var task in _launches)
        {
            AttemptWorker.Launch(task);
        }

        _launches.Clear();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every turn
    private void EndTurn()
    {
        _cancellations.Clear();
        foreach (var reply in _replies)
        {
            reply.Reply.TrySetResult();
        }

        _replies.Clear();
        if (_finishedRuns.Count > 0)
        {
            _deadlines.DropStale(); // its stale entries would keep a finished run's tasks alive
        }

        foreach (var run in _finishedRuns)
        {
            // A finished run lives on in the store only, so a long-running engine holds no finished state.
            _runs.TryRemove(run.Id, out _);
            if (!_refusedStarts.IsEmpty)
            {
                _refusedStarts.TryRemove(run.Id, out _);
            }

            run.SignalFinished();
            run.Cancellation?.Dispose();
        }

        _finishedRuns.Clear();
    }

    private DateTimeOffset TurnTime
    {
        get
        {
            ReadClock();
            return _turnTime;
        }
    }

    private long TurnTimestamp
    {
        get
        {
            ReadClock();
            return _turnTimestamp;
        }
    }

    private void ReadClock()
    {
        if (!_clockRead)
        {
            _clockRead = true;
            _turnTime = _time.GetUtcNow();
            _turnTimestamp = _time.GetTimestamp();
        }
    }

    private WorkflowRun FindRun(string workflowId) =>
        _runs.TryGetValue(workflowId, out var run) ? run : throw new WorkflowNotFoundException(workflowId);

    private void MarkDirty(TaskRuntime task)
    {
        if (!task.Dirty)
        {
            task.Dirty = true;
            _dirtyTasks.Add(task);
        }
    }

    private void MarkDirty(WorkflowRun run)
    {
        if (!run.Dirty)
        {
            run.Dirty = true;
            _dirtyRuns.Add(run);
        }
    }

    private string? Tail(string? output) =>
        output is null || output.Length <= _options.OutputTailChars ? output : output[^_options.OutputTailChars..];
}
