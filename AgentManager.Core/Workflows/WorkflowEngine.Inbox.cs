using AgentManager.Diagnostics;
using AgentManager.Events;
using AgentManager.Inbox;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using Microsoft.Extensions.Logging;

namespace AgentManager.Workflows;

/// <summary>The human inbox: decisions about tasks blocked for a human, taken in this process (applied at once) or
/// in another one (queued in the store and polled while this engine runs a blocked task).</summary>
internal sealed partial class WorkflowEngine : IHumanInbox
{
    private ITimer? _storePoll;
    private IDisposable? _storeSignals;
    private int _blockedTasks;
    private readonly PollGate _decisionGate = new();
    private bool _releasePoll;

    public async Task<IReadOnlyList<BlockedTask>> ListAsync(string? workflowId = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<WorkflowRecord> workflows = workflowId is null
            ? (await _store.QueryWorkflowsAsync(WorkflowQuery.Unfinished, cancellationToken).ConfigureAwait(false)).Workflows
            : [await _store.GetWorkflowAsync(workflowId, cancellationToken).ConfigureAwait(false) ?? throw new WorkflowNotFoundException(workflowId)];
        var unfinished = workflows.Where(w => !w.Status.IsFinished()).ToArray();
        if (unfinished.Length == 0)
        {
            return [];
        }

        var query = new TaskQuery { WorkflowIds = [.. unfinished.Select(w => w.WorkflowId)], States = [TaskState.BlockedHitl] };
        var tasks = (await _store.QueryTasksAsync(query, cancellationToken).ConfigureAwait(false)).Tasks;
        if (tasks.Count == 0)
        {
            return [];
        }

        var byId = unfinished.ToDictionary(w => w.WorkflowId, StringComparer.Ordinal);
        var pending = await _store.GetPendingDecisionsAsync([.. tasks.Select(t => t.WorkflowId).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
        var blocked = new List<BlockedTask>(tasks.Count);
        foreach (var task in tasks)
        {
            var workflow = byId[task.WorkflowId];
            var history = await _store.GetTransitionsAsync(task.WorkflowId, task.TaskId, cancellationToken).ConfigureAwait(false);
            blocked.Add(new BlockedTask
            {
                WorkflowId = task.WorkflowId,
                WorkflowName = workflow.Name,
                TaskId = task.TaskId,
                Title = task.Title,
                AgentId = task.AgentId,
                Attempts = task.Attempt,
                LastError = task.LastError,
                LastOutput = task.LastOutput,
                DeadlineAt = task.DeadlineAt,
                BlockedAt = history.LastOrDefault(t => t.To == TaskState.BlockedHitl)?.Timestamp ?? workflow.CreatedAt,
                History = history,
                PendingDecisions = [.. pending.Where(d => d.WorkflowId == task.WorkflowId && d.TaskId == task.TaskId)],
            });
        }

        return blocked;
    }

    public async Task<HumanDecisionRecord> DecideAsync(HumanDecision decision, CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid(decision);
        var record = new HumanDecisionRecord
        {
            DecisionId = "hd-" + Guid.NewGuid().ToString("N"),
            WorkflowId = decision.WorkflowId,
            TaskId = decision.TaskId,
            Action = decision.Action,
            Actor = decision.Actor.Trim(),
            Reason = decision.Reason.Trim(),
            Status = HumanDecisionStatus.Pending,
            RequestedAt = _time.GetUtcNow(),
            CorrelationId = CorrelationScope.Current,
        };
        if (_runs.ContainsKey(decision.WorkflowId))
        {
            var command = new HumanDecisionCommand(record);
            try
            {
                await SendAsync(command, cancellationToken).ConfigureAwait(false);
                return command.Result!;
            }
            catch (WorkflowNotFoundException)
            {
                // The run finished between the check and the loop; the store says what became of the task.
            }
        }

        var task = await FindStoredTaskAsync(decision, cancellationToken).ConfigureAwait(false);
        if (task.State != TaskState.BlockedHitl)
        {
            throw new TaskNotBlockedException(decision.WorkflowId, decision.TaskId, task.State);
        }

        await _store.EnqueueDecisionAsync(record, cancellationToken).ConfigureAwait(false);
        return record;
    }

    public Task<HumanDecisionRecord?> GetDecisionAsync(string decisionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decisionId);
        return _store.GetDecisionAsync(decisionId, cancellationToken);
    }

    private static void ThrowIfInvalid(HumanDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var errors = new List<string>();
        if (!Ids.IsValid(decision.WorkflowId))
        {
            errors.Add("WorkflowId: " + Ids.Describe(decision.WorkflowId));
        }

        if (!Ids.IsValid(decision.TaskId))
        {
            errors.Add("TaskId: " + Ids.Describe(decision.TaskId));
        }

        if (!Enum.IsDefined(decision.Action))
        {
            errors.Add($"Action {(int)decision.Action} is not retry, complete, fail or cancel.");
        }

        if (string.IsNullOrWhiteSpace(decision.Actor))
        {
            errors.Add("Actor is blank; a human decision names the person who took it.");
        }
        else if (string.Equals(decision.Actor.Trim(), TaskLifecycle.EngineActor, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Actor '{decision.Actor}' is the engine's own name; a human decision names a person.");
        }

        if (string.IsNullOrWhiteSpace(decision.Reason))
        {
            errors.Add("Reason is blank; a human decision says why it was taken.");
        }

        if (errors.Count > 0)
        {
            throw new InvalidHumanDecisionException(errors);
        }
    }

    private async Task<TaskRecord> FindStoredTaskAsync(HumanDecision decision, CancellationToken cancellationToken)
    {
        _ = await _store.GetWorkflowAsync(decision.WorkflowId, cancellationToken).ConfigureAwait(false) ?? throw new WorkflowNotFoundException(decision.WorkflowId);
        return await _store.GetTaskAsync(decision.WorkflowId, decision.TaskId, cancellationToken).ConfigureAwait(false)
            ?? throw new TaskNotFoundException(decision.TaskId, $"Workflow '{decision.WorkflowId}' has no task '{decision.TaskId}'.");
    }

    private void OnHumanDecision(HumanDecisionCommand command)
    {
        var decision = command.Decision;
        var run = FindRun(decision.WorkflowId);
        var task = FindTask(run, decision.TaskId)
            ?? throw new TaskNotFoundException(decision.TaskId, $"Workflow '{run.Id}' has no task '{decision.TaskId}'.");
        if (task.State != TaskState.BlockedHitl)
        {
            throw new TaskNotBlockedException(run.Id, task.Id, task.State);
        }

        command.Result = Apply(task, decision);
        _changes.Decisions.Add(command.Result);
        _replies.Add(command);
        CheckFinished(run);
    }

    /// <summary>Applies the store's pending decisions in order. One whose task is no longer blocked is rejected and
    /// recorded as such; one whose workflow this engine no longer runs (it finished meanwhile) stays as stored.</summary>
    private void OnStoredDecisions(StoredDecisionsCommand command)
    {
        _releasePoll = true;
        foreach (var decision in command.Decisions)
        {
            if (!_runs.TryGetValue(decision.WorkflowId, out var run))
            {
                continue;
            }

            var firstEvent = _changes.Events.Count;
            var task = FindTask(run, decision.TaskId);
            if (task is null || task.State != TaskState.BlockedHitl)
            {
                Reject(decision, task is null
                    ? $"Workflow '{run.Id}' has no task '{decision.TaskId}'."
                    : new TaskNotBlockedException(run.Id, task.Id, task.State).Message);
                CorrelateStored(decision.CorrelationId, null, firstEvent); // a rejected decision changed nothing of the run
                continue;
            }

            _changes.Decisions.Add(Apply(task, decision));
            CorrelateStored(decision.CorrelationId, run, firstEvent);
            CheckFinished(run);
        }
    }

    private void Reject(HumanDecisionRecord decision, string reason)
    {
        var now = _time.GetUtcNow();
        _changes.Decisions.Add(decision with { Status = HumanDecisionStatus.Rejected, Outcome = reason, ResolvedAt = now });
        _changes.Events.Add(new HumanInboxEvent(EventTypes.HumanDecisionRejected, decision.WorkflowId, decision.TaskId, now, reason)
        {
            DecisionId = decision.DecisionId,
            Actor = decision.Actor,
        });
        EngineLog.HumanDecisionRejected(_logger, decision.WorkflowId, decision.TaskId, decision.Action, decision.Actor, reason);
    }

    /// <summary>Moves a blocked task as a human decided, recording the actor and reason with the transition.</summary>
    private HumanDecisionRecord Apply(TaskRuntime task, HumanDecisionRecord decision)
    {
        var (actor, reason) = (decision.Actor, decision.Reason);
        string outcome;
        switch (decision.Action)
        {
            case HumanAction.Retry:
                // One attempt by the task's own agent, on the human level: if it fails the task is blocked again.
                (task.Level, task.LevelAttempts, task.CurrentAgentId, task.CurrentRunner) = (RepairLevel.Human, 0, null, null);
                task.GrantedByHuman = true;
                Fire(task, TaskTrigger.HumanRetry, reason, actor);
                _queue.Enqueue(task, task.Priority, task.Resources);
                outcome = $"Task '{task.Id}' is retried by agent '{task.AgentId}' on {actor}'s decision.";
                break;
            case HumanAction.Complete:
                Fire(task, TaskTrigger.HumanComplete, reason, actor);
                AgentManagerDiagnostics.Completed.Add(1);
                ReleaseDependents(task);
                outcome = $"Task '{task.Id}' was completed by {actor}.";
                break;
            case HumanAction.Fail:
                task.LastError = $"Failed by {actor}: {reason}";
                Fire(task, TaskTrigger.HumanFail, reason, actor);
                AgentManagerDiagnostics.Failed.Add(1);
                CancelDescendants(task, $"Dependency '{task.Id}' was failed by {actor}.");
                outcome = $"Task '{task.Id}' was failed by {actor}.";
                break;
            default:
                task.LastError = $"Cancelled by {actor}: {reason}";
                Fire(task, TaskTrigger.Cancel, reason, actor);
                CancelDescendants(task, $"Dependency '{task.Id}' was cancelled by {actor}.");
                outcome = $"Task '{task.Id}' was cancelled by {actor}.";
                break;
        }

        EngineLog.HumanDecisionApplied(_logger, task.Run.Id, task.Id, decision.Action, actor);
        return decision with { Status = HumanDecisionStatus.Applied, Outcome = outcome, ResolvedAt = _time.GetUtcNow() };
    }

    private static TaskRuntime? FindTask(WorkflowRun run, string taskId) =>
        run.Graph.Contains(taskId) ? run.TasksByIndex[run.Graph.IndexOf(taskId)] : null;

    /// <summary>Keeps the count of blocked tasks that tells the poll timer whether to look in the store, and ends the
    /// deadline of a task that leaves <see cref="TaskState.BlockedHitl"/>.</summary>
    private void TrackBlocked(TaskRuntime task, TaskTransition transition)
    {
        if (transition.From == TaskState.BlockedHitl)
        {
            Interlocked.Decrement(ref _blockedTasks);
            ClearDeadline(task);
        }

        if (transition.To == TaskState.BlockedHitl)
        {
            Interlocked.Increment(ref _blockedTasks);
        }
    }

    private void StartStorePolling()
    {
        _storePoll = _time.CreateTimer(static engine => ((WorkflowEngine)engine!).PollStore(), this, _options.InboxPollInterval, _options.InboxPollInterval);
        _storeSignals = (_store as IStateStoreSignals)?.Subscribe(StoredFor);
    }

    /// <summary>A store's signal that another engine stored a decision or request: the engine that runs the workflow
    /// reads the store now. A read already in flight lets the signal go; the next poll reads what it missed.</summary>
    private void StoredFor(string workflowId)
    {
        if (_runs.ContainsKey(workflowId))
        {
            PollDecisions(force: true);
            PollWorkflowRequests();
        }
    }

    /// <summary>What another process may have stored for the workflows this engine runs: decisions, start and cancel requests.</summary>
    private void PollStore()
    {
        PollDecisions(force: false);
        PollWorkflowRequests();
    }

    private void StopStorePolling()
    {
        _storePoll?.Dispose();
        _storeSignals?.Dispose();
    }

    /// <summary>Reads the store's pending decisions for the workflows this engine runs, off the loop, at most one
    /// read at a time: the next read starts only once the decisions of the last one are committed.</summary>
    private void PollDecisions(bool force)
    {
        if ((!force && Volatile.Read(ref _blockedTasks) <= 0) || _runs.IsEmpty || !_decisionGate.TryEnter())
        {
            return;
        }

        _ = PollDecisionsAsync();
    }

    private Task PollDecisionsAsync() => PostFromStoreAsync(
        _decisionGate,
        (ids, ct) => _store.GetPendingDecisionsAsync(ids, ct),
        static pending => Task.FromResult<IEngineCommand?>(new StoredDecisionsCommand(pending)),
        EngineLog.DecisionPollFailed);

    /// <summary>Reads what the store holds for the workflows this engine runs and posts the command
    /// <paramref name="handle"/> makes of it to the loop, which then opens <paramref name="gate"/>; the gate opens here
    /// when the read found nothing, nothing was posted, or it failed.</summary>
    private async Task PostFromStoreAsync<T>(
        PollGate gate,
        Func<string[], CancellationToken, Task<IReadOnlyList<T>>> read,
        Func<IReadOnlyList<T>, Task<IEngineCommand?>> handle,
        Action<ILogger, Exception> failed)
    {
        var posted = false;
        try
        {
            var found = await read(_runs.Keys.ToArray(), _stopping.Token).ConfigureAwait(false);
            posted = found.Count > 0 && await handle(found).ConfigureAwait(false) is { } command && _inbox.TryWrite(command);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failed(_logger, ex);
        }
        finally
        {
            if (!posted)
            {
                gate.Exit();
            }
        }
    }

    /// <summary>Called after each commit: a poll whose decisions were just stored lets the next one start.</summary>
    private void ReleaseDecisionPoll()
    {
        if (_releasePoll)
        {
            _releasePoll = false;
            _decisionGate.Exit();
        }
    }
}
