using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AgentManager.Agents;
using AgentManager.Events;
using AgentManager.Lifecycle;
using AgentManager.Memory;
using AgentManager.Persistence;
using AgentManager.Persistence.Checkpoints;
using AgentManager.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentManager.Workflows;

/// <summary>Runs workflows: one loop owns all state and applies commands from callers and workers in
/// order; it stores each batch of changes, then publishes their events, then launches agent attempts.</summary>
internal sealed partial class WorkflowEngine : IWorkflowEngine, IAsyncDisposable, IDisposable
{
    private readonly EngineInbox _inbox = new();
    private readonly ConcurrentDictionary<string, WorkflowRun> _runs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _startLock = new();
    private readonly AgentManagerOptions _options;
    private readonly IStateStore _store;
    private readonly IEventBus _bus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WorkflowCompiler _compiler;
    private readonly DispatchQueue<TaskRuntime> _queue;
    private readonly AttemptWorker _worker;
    private readonly AttemptPreparer? _preparer;
    private readonly AttemptDeadlines _deadlines;
    private readonly OutcomeRecorder? _outcomes;
    private readonly CancellationTokenSource _outcomesAbort = new();
    private Task _outcomesWritten = Task.CompletedTask;
    private readonly WorkflowHooks? _hooks;
    private Task? _loop;
    private bool _stopped;

    public WorkflowEngine(
        IOptions<AgentManagerOptions> options,
        IStateStore store,
        IEventBus bus,
        AgentRegistry agents,
        TimeProvider time,
        ILogger<WorkflowEngine>? logger = null,
        ICheckpointStore? checkpoints = null,
        TaskOutcomeMemory? outcomeMemory = null,
        WorkflowHooks? hooks = null,
        AttemptPreparer? preparer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _store = store;
        _bus = bus;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _compiler = new WorkflowCompiler(_options, agents, time, preparer?.Catalog);
        _queue = new DispatchQueue<TaskRuntime>(new ResourcePool(
            new Dictionary<string, int>(_options.ResourceCapacities, StringComparer.Ordinal),
            _options.DefaultResourceCapacity));
        _worker = new AttemptWorker(_options, time, checkpoints, _logger, Post, PostFinal, preparer);
        _preparer = preparer;
        _deadlines = new AttemptDeadlines(time, () => Post(AttemptDeadlinesDueCommand.Instance));
        _outcomes = outcomeMemory is null ? null : new OutcomeRecorder(outcomeMemory, _logger);
        _hooks = hooks;
    }

    /// <summary>Starts the engine loop; API calls start it on demand too.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        return Task.CompletedTask;
    }

    /// <summary>Stops the loop and every running attempt, then waits for the hooks of the events already
    /// published. Unfinished workflows stay as stored.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var loop = SignalStop();
        _heartbeat?.Dispose();
        if (loop is not null)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
            await ReleaseAllAsync(cancellationToken).ConfigureAwait(false); // leases: give back what this engine held
        }

        AbandonPending();
        await WriteQueuedOutcomesAsync(cancellationToken).ConfigureAwait(false);
        if (_hooks is not null)
        {
            await _hooks.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>Stops for containers disposed synchronously: waits up to <see cref="SyncDisposeWait"/> for the loop to
    /// stop and then for the engine's leases to be given back, as <see cref="StopAsync"/> does, so that another engine
    /// need not wait for them to expire. Task outcomes still queued for agent memory are dropped, and the hooks are
    /// not waited for.</summary>
    public void Dispose()
    {
        _outcomesAbort.Cancel();
        var loop = SignalStop();
        _heartbeat?.Dispose();
        if (loop is not null)
        {
            ReleaseBlocking(loop);
        }

        AbandonPending();
        _hooks?.Abort();
    }

    /// <summary>How long a synchronous <see cref="Dispose"/> blocks at most, once for the loop and once for the
    /// release.</summary>
    internal static TimeSpan SyncDisposeWait { get; } = TimeSpan.FromSeconds(5);

    private void ReleaseBlocking(Task loop)
    {
        try
        {
            // A real-time bound: a disposing thread is blocked, whatever clock the engine reads.
            if (!loop.Wait(SyncDisposeWait))
            {
                EngineLog.LeaseReleaseFailed(_logger, new TimeoutException($"The engine loop did not stop within {SyncDisposeWait.TotalSeconds} s of Dispose."));
                return;
            }

            using var timeout = new CancellationTokenSource(SyncDisposeWait);
            if (!Task.Run(() => ReleaseAllAsync(timeout.Token), CancellationToken.None).Wait(SyncDisposeWait))
            {
                EngineLog.LeaseReleaseFailed(_logger, new TimeoutException($"Giving the leases back did not finish within {SyncDisposeWait.TotalSeconds} s of Dispose."));
            }
        }
        catch (AggregateException ex)
        {
            EngineLog.LeaseReleaseFailed(_logger, ex.InnerException ?? ex);
        }
    }

    private Task? SignalStop()
    {
        lock (_startLock)
        {
            if (_stopped)
            {
                return _loop;
            }

            _stopped = true;
        }

        _stopping.Cancel();
        _inbox.Complete();
        return _loop;
    }

    private void AbandonPending()
    {
        var stopped = EngineStopped();
        foreach (var command in _inbox.TakeQueued())
        {
            command.Fail(stopped);
        }

        foreach (var run in _runs.Values)
        {
            run.SignalAbandoned(new InvalidOperationException($"The engine stopped before workflow '{run.Id}' finished."));
        }
    }

    public Task<string> CreateAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default)
    {
        // Compiled outside the async part, which would keep the definition (an argument) until the create commit: a large
        // definition is then garbage before that commit's collections instead of copied by them into an older generation.
        WorkflowRun run;
        try
        {
            run = _compiler.Compile(definition);
        }
        catch (Exception ex)
        {
            return Task.FromException<string>(ex); // as an async method reports it
        }

        return CreateAsync(run, cancellationToken);
    }

    private async Task<string> CreateAsync(WorkflowRun run, CancellationToken cancellationToken)
    {
        if (await _store.GetWorkflowAsync(run.Id, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new WorkflowValidationException([$"Workflow id '{run.Id}' is already in use."]);
        }

        run.Lease = NewLease(run.Id); // leases: stored with the workflow's first record
        await SendAsync(new CreateWorkflowCommand(run), cancellationToken).ConfigureAwait(false);
        return run.Id;
    }

    public void Validate(WorkflowDefinition definition) => _ = _compiler.Compile(definition);

    public async Task ResumeAsync(WorkflowDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.Id is null)
        {
            throw new WorkflowValidationException(["Resuming needs the definition's Id: it names the stored workflow."]);
        }

        var stored = await _store.GetWorkflowAsync(definition.Id, cancellationToken).ConfigureAwait(false) ?? throw new WorkflowNotFoundException(definition.Id);
        if (stored.Status.IsFinished())
        {
            throw new WorkflowStateException(stored.WorkflowId, stored.Status, $"Workflow '{stored.WorkflowId}' is {stored.Status.ToWireName()}; only an unfinished workflow resumes.");
        }

        await ResumeUnderLeaseAsync(definition, stored, cancellationToken).ConfigureAwait(false); // leases
    }

    /// <summary>Compiles a stored workflow's definition for resuming it, refusing one whose tasks differ.</summary>
    private WorkflowRun CompileStored(WorkflowDefinition definition, WorkflowRecord stored, IReadOnlyList<TaskRecord> tasks)
    {
        definition.WorkRoot ??= stored.WorkRoot;
        var run = _compiler.Compile(definition, stored.CreatedAt);
        var defined = run.Tasks.Select(t => t.Id).Order(StringComparer.Ordinal);
        var recorded = tasks.Select(t => t.TaskId).Order(StringComparer.Ordinal);
        if (!defined.SequenceEqual(recorded))
        {
            throw new WorkflowValidationException([$"The definition's tasks differ from the stored tasks of workflow '{definition.Id}'; resume with the definition it was created from."]);
        }

        return run;
    }

    public Task<IReadOnlyList<string>> PurgeAsync(TimeSpan olderThan, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(olderThan, TimeSpan.Zero);
        return _store.PurgeAsync(_time.GetUtcNow() - olderThan, cancellationToken);
    }

    public async Task StartAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        if (!_runs.ContainsKey(workflowId) && await TryStoreRequestAsync(workflowId, WorkflowRequestKind.Start, null, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await RunBeforeStartHooksAsync(workflowId, cancellationToken).ConfigureAwait(false);
        await SendToRunAsync(workflowId, "start", new StartWorkflowCommand(workflowId), cancellationToken).ConfigureAwait(false);
    }

    public async Task CancelAsync(string workflowId, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        reason = string.IsNullOrWhiteSpace(reason) ? "Cancelled on request." : reason;
        if (!_runs.ContainsKey(workflowId) && await TryStoreRequestAsync(workflowId, WorkflowRequestKind.Cancel, reason, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await SendToRunAsync(workflowId, "be cancelled", new CancelWorkflowCommand(workflowId, reason), cancellationToken).ConfigureAwait(false);
    }

    public async Task<WorkflowSummary> WaitForCompletionAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        while (true)
        {
            if (_runs.TryGetValue(workflowId, out var run))
            {
                await run.Finished.WaitAsync(cancellationToken).ConfigureAwait(false);
                break;
            }

            var record = await _store.GetWorkflowAsync(workflowId, cancellationToken).ConfigureAwait(false) ?? throw new WorkflowNotFoundException(workflowId);
            if (record.Status.IsFinished())
            {
                break;
            }

            // Another engine sharing the store runs it: watch the store. A workflow no engine holds is refused, as it
            // would never finish unless one resumed it.
            if (HolderOf(record) is null)
            {
                throw new WorkflowStateException(
                    workflowId,
                    record.Status,
                    $"Workflow '{workflowId}' is {record.Status.ToWireName()} but no engine runs it; it finishes once an engine resumes it.");
            }

            await Task.Delay(_options.InboxPollInterval, _time, cancellationToken).ConfigureAwait(false);
        }

        return await GetSummaryAsync(workflowId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<WorkflowSummary> GetSummaryAsync(string workflowId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        var record = await _store.GetWorkflowAsync(workflowId, cancellationToken).ConfigureAwait(false) ?? throw new WorkflowNotFoundException(workflowId);
        var tasks = _store is ITaskSummarySource source
            ? source.SummarizeTasks(workflowId)
            : Summarize(await _store.GetTasksAsync(workflowId, cancellationToken).ConfigureAwait(false));
        return new WorkflowSummary
        {
            WorkflowId = record.WorkflowId,
            Name = record.Name,
            Status = record.Status,
            Reason = record.Reason,
            CreatedAt = record.CreatedAt,
            StartedAt = record.StartedAt,
            FinishedAt = record.FinishedAt,
            Tasks = tasks,
            Usage = record.Usage,
        };
    }

    // Called once per summary over every task: straight to optimized code instead of a lambda that runs
    // unoptimized for most of a large workflow.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TaskSummary[] Summarize(IReadOnlyList<TaskRecord> tasks)
    {
        var summaries = new TaskSummary[tasks.Count];
        for (var i = 0; i < summaries.Length; i++)
        {
            var t = tasks[i];
            summaries[i] = new TaskSummary
            {
                TaskId = t.TaskId,
                State = t.State,
                Attempts = t.Attempt,
                StartedAt = t.StartedAt,
                FinishedAt = t.FinishedAt,
                LastError = t.LastError,
                Level = t.Level,
                CurrentAgentId = t.CurrentAgentId,
                DeadlineAt = t.DeadlineAt,
                Usage = t.Usage,
            };
        }

        return summaries;
    }

    public async Task<IReadOnlyList<TaskTransition>> GetTransitionsAsync(string workflowId, string? taskId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        _ = await _store.GetWorkflowAsync(workflowId, cancellationToken).ConfigureAwait(false) ?? throw new WorkflowNotFoundException(workflowId);
        return await _store.GetTransitionsAsync(workflowId, taskId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a command about a workflow this engine runs. The run may finish (and leave the engine)
    /// between the check and the loop; the store then says what became of it.</summary>
    private async Task SendToRunAsync(string workflowId, string operation, RequestCommand command, CancellationToken cancellationToken)
    {
        await ThrowIfNotRunHereAsync(workflowId, operation, cancellationToken).ConfigureAwait(false);
        try
        {
            await SendAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (WorkflowNotFoundException)
        {
            await ThrowIfNotRunHereAsync(workflowId, operation, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The engine keeps only unfinished workflows; for any other id the store tells whether it
    /// finished (a state conflict) or never existed.</summary>
    private async Task ThrowIfNotRunHereAsync(string workflowId, string operation, CancellationToken cancellationToken)
    {
        if (_runs.ContainsKey(workflowId))
        {
            return;
        }

        var record = await _store.GetWorkflowAsync(workflowId, cancellationToken).ConfigureAwait(false) ?? throw new WorkflowNotFoundException(workflowId);
        if (record.Status.IsFinished())
        {
            throw new WorkflowStateException(workflowId, record.Status, $"Workflow '{workflowId}' cannot {operation}: it is already {record.Status.ToWireName()}.");
        }

        // A host that shares the store gets a request for a workflow another host runs: say which one, so that the
        // caller (or the load balancer in front of the hosts) can send it there.
        throw new WorkflowStateException(workflowId, record.Status, HolderOf(record) is { } holder
            ? $"Workflow '{workflowId}' cannot {operation} here: it is {record.Status.ToWireName()} {holder}; send the request to the host that runs it."
            : $"Workflow '{workflowId}' cannot {operation}: it is {record.Status.ToWireName()} but no engine runs it; resume it first.");
    }

    /// <summary>Names the engine that holds a workflow this engine does not run (<c>on engine '…' (its lease lasts until
    /// …)</c>), or <see langword="null"/> when its lease was given up or has expired.</summary>
    private string? HolderOf(WorkflowRecord record) =>
        record.LeaseOwner is { } owner && record.LeaseExpiresAt is { } until && until > _time.GetUtcNow()
            ? $"on engine '{owner}' (its lease lasts until {until:O})"
            : null;

    private async Task SendAsync(RequestCommand command, CancellationToken cancellationToken)
    {
        EnsureStarted();
        if (!_inbox.TryWrite(command))
        {
            throw EngineStopped();
        }

        await command.Reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static ObjectDisposedException EngineStopped() => new(nameof(WorkflowEngine), "The AgentManager engine has stopped.");

    private void Post(IEngineCommand command) => _inbox.TryWrite(command);

    /// <summary>Posts a worker's last command of an attempt. A parked loop resumes on the worker's thread, which
    /// saves a thread-pool hop per finished attempt (the loop stays single-threaded: it runs where it resumes),
    /// unless launched attempts are still waiting in the thread pool: then it resumes after them, and handles
    /// their results in the same turn instead of one turn (and store commit) per attempt.</summary>
    private void PostFinal(IEngineCommand command) =>
        _inbox.TryWrite(command, _worker.HasQueuedAttempts ? InboxWake.AfterQueuedWork : InboxWake.Here);

    /// <summary>Lets the outcomes of the tasks that finished before the stop reach agent memory; the caller's token
    /// (the host's shutdown timeout) bounds the wait.</summary>
    private async Task WriteQueuedOutcomesAsync(CancellationToken cancellationToken)
    {
        if (_outcomes is null)
        {
            return;
        }

        _outcomes.Complete();
        using var abort = cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), _outcomesAbort);
        await _outcomesWritten.ConfigureAwait(false);
    }

    private void EnsureStarted()
    {
        if (_loop is not null)
        {
            return;
        }

        lock (_startLock)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);

            // The loop and workers outlive the call that starts them: they must not inherit its correlation id.
            using var uncorrelated = Diagnostics.CorrelationScope.Begin(null);
            if (_loop is null && _outcomes is not null)
            {
                _outcomesWritten = Task.Run(() => _outcomes.RunAsync(_outcomesAbort.Token));
            }

            if (_loop is null)
            {
                _hooks?.Start();
                StartHeartbeat(); // leases
                StartRelay(); // outbox
            }

            _loop ??= Task.Run(() => RunLoopAsync(_stopping.Token));
        }
    }
}
