using AgentManager.Agents;
using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Workflows;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentManager.Schedules;

/// <summary>Fires schedules for the lifetime of a host. At start it stores the configured schedules and
/// recovers the runs a previous process left behind; then one loop reads the schedule records, fires the
/// due ones and sleeps on the <see cref="TimeProvider"/> until the next run or the next refresh, whichever
/// comes first.</summary>
/// <remarks>Exactly once: a firing first records its occurrence and deterministic workflow id in the
/// schedule record (optimistically, so two writers never both win), then creates the workflow. A restart
/// that finds the record but no workflow creates it; one that finds both does not. Several hosts sharing a
/// store may each run a runner: a record is fired by the one whose write wins, a run is created once (its id
/// is the occurrence's), and a run that no engine holds any more is taken over by the first runner that sees
/// it.</remarks>
internal sealed partial class ScheduleRunner : BackgroundService
{
    private readonly IStateStore _store;
    private readonly IWorkflowEngine _engine;
    private readonly IEventBus _bus;
    private readonly TimeProvider _time;
    private readonly ScheduleOptions _options;
    private readonly string _workRoot;
    private readonly TimeSpan _firingGrace;
    private readonly ScheduleFactories _factories;
    private readonly TaskPlanService _plans;
    private readonly AgentCatalog _catalog;
    private readonly ScheduleWake _wake;
    private readonly ILogger _logger;
    private readonly Dictionary<string, bool> _pausedSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _unbuildableSeen = new(StringComparer.Ordinal);
    private long _passesStarted;
    private long _lastPassCompleted;

    public ScheduleRunner(
        IStateStore store,
        IWorkflowEngine engine,
        IEventBus bus,
        TimeProvider time,
        IOptions<ScheduleOptions> options,
        IOptions<AgentManagerOptions> engineOptions,
        ScheduleFactories factories,
        TaskPlanService plans,
        AgentCatalog catalog,
        ScheduleWake wake,
        ILogger<ScheduleRunner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(engineOptions);
        _store = store;
        _engine = engine;
        _bus = bus;
        _time = time;
        _options = options.Value;
        _workRoot = Path.GetFullPath(engineOptions.Value.WorkRoot);
        _firingGrace = engineOptions.Value.LeaseDuration;
        _factories = factories;
        _plans = plans;
        _catalog = catalog;
        _wake = wake;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var definitions = new List<ScheduleDefinition>(_options.Schedules);
        if (_options.ConfigDirectory is { } directory)
        {
            definitions.AddRange(await SchedulesFile.LoadDirectoryAsync(directory, cancellationToken).ConfigureAwait(false));
        }

        var errors = ScheduleValidator.Check(definitions, out var valid);
        foreach (var (definition, _) in valid)
        {
            await ScheduleValidator.CheckStoredPlanExistsAsync(definition, _plans, errors, cancellationToken).ConfigureAwait(false);
        }

        if (errors.Count > 0)
        {
            throw new ScheduleConfigurationException(errors);
        }

        var now = _time.GetUtcNow();
        foreach (var (definition, timing) in valid)
        {
            _factories.Set(definition);
            await ScheduleRecords.UpdateAsync(_store, definition.Id, stored => ScheduleRecords.Define(stored, definition, timing, now), cancellationToken).ConfigureAwait(false);
        }

        await RecoverAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset? wakeAt = null;
            try
            {
                wakeAt = await TickAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                ScheduleLog.TickFailed(_logger, exception);
            }

            await SleepAsync(wakeAt, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gets how many passes over the schedules have begun.</summary>
    internal long PassesStarted => Interlocked.Read(ref _passesStarted);

    /// <summary>Gets the number of the last pass that completed, so that a test can wait for a pass that
    /// began after a change it made.</summary>
    internal long LastPassCompleted => Interlocked.Read(ref _lastPassCompleted);

    /// <summary>Reads every schedule record and fires the due ones.</summary>
    /// <returns>When the earliest next run is, if any schedule has one.</returns>
    private async Task<DateTimeOffset?> TickAsync(CancellationToken cancellationToken)
    {
        var pass = Interlocked.Increment(ref _passesStarted);
        var records = await _store.ListSchedulesAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset? earliest = null;
        foreach (var record in records)
        {
            try
            {
                var current = await ProcessAsync(record, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                var next = current is null ? _time.GetUtcNow() : current is { Paused: false, NextRun: { } at } && CanBuild(current) ? at : (DateTimeOffset?)null;
                if (next is { } n && (earliest is null || n < earliest))
                {
                    earliest = n;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The schedule is tried again at the next refresh, not in a tight loop.
                ScheduleLog.ProcessingFailed(_logger, record.ScheduleId, exception);
            }
        }

        foreach (var gone in _pausedSeen.Keys.Except(records.Select(r => r.ScheduleId), StringComparer.Ordinal).ToList())
        {
            _pausedSeen.Remove(gone);
            _unbuildableSeen.Remove(gone);
        }

        Interlocked.Exchange(ref _lastPassCompleted, pass);
        return earliest;
    }

    /// <summary>Handles one schedule: reports a pause or resume, follows its current run (a paused schedule's run goes
    /// on), fires it when due.</summary>
    /// <returns>The record afterwards, or <see langword="null"/> when another writer changed it first (it is
    /// read again right away).</returns>
    private async Task<ScheduleRecord?> ProcessAsync(ScheduleRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ObservePauseAsync(record).ConfigureAwait(false);
        if (record.RunningWorkflowId is { } running)
        {
            if (await FollowRunAsync(record, running, now, cancellationToken).ConfigureAwait(false) is not { } followed)
            {
                return null;
            }

            record = followed;
        }

        if (record.Paused || record.NextRun is not { } due || due > now)
        {
            return record;
        }

        if (!CanBuild(record))
        {
            // Left to a process that defined it (another host, or this one once it is defined again).
            if (!_unbuildableSeen.TryGetValue(record.ScheduleId, out var seen) || seen != due)
            {
                _unbuildableSeen[record.ScheduleId] = due;
                ScheduleLog.NotBuildableHere(_logger, record.ScheduleId, due);
            }

            return record;
        }

        return await FireDueAsync(record, due, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Follows a schedule's current run: frees the schedule once the run finished, creates the run of a
    /// firing whose runner died before creating it, and takes over a run that no engine holds any more.</summary>
    /// <returns>The record afterwards, or <see langword="null"/> when another writer changed it first.</returns>
    private async Task<ScheduleRecord?> FollowRunAsync(ScheduleRecord record, string running, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var workflow = await _store.GetWorkflowAsync(running, cancellationToken).ConfigureAwait(false);
        if (workflow is { } finished && finished.Status.IsFinished())
        {
            return await _store.TrySaveScheduleAsync(record with { RunningWorkflowId = null }, cancellationToken).ConfigureAwait(false);
        }

        if (!CanBuild(record))
        {
            return record;
        }

        if (workflow is null)
        {
            // A runner (here before a restart, or on another host) recorded the firing; one that is alive creates the
            // run right after, so only a firing older than a lease is taken for one whose runner died.
            if (record.LastOccurrence is { } occurrence && string.Equals(record.LastWorkflowId, running, StringComparison.Ordinal)
                && record.UpdatedAt + _firingGrace <= now)
            {
                return await StartRunAsync(record, new ScheduleFiring(record.ScheduleId, running, occurrence, catchUp: false), 0, cancellationToken).ConfigureAwait(false);
            }

            return record;
        }

        if (IsUnheld(workflow, now) && RunFiring(workflow) is { } firing)
        {
            await ResumeRunAsync(record, workflow, firing, cancellationToken).ConfigureAwait(false);
        }

        return record;
    }

    /// <summary>Whether this process can build the schedule's runs: they come from a stored plan or a plan file, or
    /// the schedule's factory is registered here.</summary>
    private bool CanBuild(ScheduleRecord record) =>
        record.PlanId is not null || record.PlanPath is not null || _factories.Find(record.ScheduleId) is not null;

    /// <summary>Whether no engine holds the workflow: its lease was given up, expired, or belongs to a process of this
    /// host that is gone.</summary>
    private static bool IsUnheld(WorkflowRecord workflow, DateTimeOffset now) =>
        LeaseRules.IsUnheld(workflow.LeaseOwner, workflow.LeaseExpiresAt, now) || EngineIdentity.IsGone(workflow.LeaseOwner!);

    private async Task ObservePauseAsync(ScheduleRecord record)
    {
        if (_pausedSeen.TryGetValue(record.ScheduleId, out var wasPaused) && wasPaused != record.Paused)
        {
            await PublishAsync(
                new ScheduleEvent(record.Paused ? EventTypes.SchedulePaused : EventTypes.ScheduleResumed, record.ScheduleId, _time.GetUtcNow())
                {
                    NextRun = record.Paused ? null : record.NextRun,
                }).ConfigureAwait(false);
        }

        _pausedSeen[record.ScheduleId] = record.Paused;
    }

    /// <summary>Sleeps until <paramref name="wakeAt"/>, the next refresh, or a change made in this process.</summary>
    private async Task SleepAsync(DateTimeOffset? wakeAt, CancellationToken cancellationToken)
    {
        var delay = _options.RefreshInterval;
        if (wakeAt is { } at && at - _time.GetUtcNow() < delay)
        {
            delay = at - _time.GetUtcNow();
        }

        if (delay <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
        {
            return;
        }

        using var sleep = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(delay, _time, sleep.Token);
        var woken = _wake.WaitAsync(sleep.Token);
        await Task.WhenAny(timer, woken).ConfigureAwait(false);
        await sleep.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(timer, woken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The other of the two waits was cancelled, or the host is stopping.
        }
    }

    /// <summary>Publishes an event of a change already stored; a stopping host does not lose it to its token.</summary>
    private ValueTask PublishAsync(ScheduleEvent @event)
    {
        switch (@event.Type)
        {
            case EventTypes.ScheduleFired:
                ScheduleLog.Fired(_logger, @event.ScheduleId, @event.RunWorkflowId!, @event.Occurrence!.Value);
                break;
            case EventTypes.ScheduleSkipped:
                ScheduleLog.Skipped(_logger, @event.ScheduleId, @event.Occurrence!.Value, @event.Reason!);
                break;
            case EventTypes.ScheduleFailed:
                ScheduleLog.Failed(_logger, @event.ScheduleId, @event.RunWorkflowId, @event.Reason!);
                break;
            default:
                break;
        }

        return _bus.PublishAsync(@event, CancellationToken.None);
    }
}
