using AgentManager.Events;
using AgentManager.Persistence;
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
/// that finds the record but no workflow creates it; one that finds both does not.</remarks>
internal sealed partial class ScheduleRunner : BackgroundService
{
    private readonly IStateStore _store;
    private readonly IWorkflowEngine _engine;
    private readonly IEventBus _bus;
    private readonly TimeProvider _time;
    private readonly ScheduleOptions _options;
    private readonly string _workRoot;
    private readonly ScheduleFactories _factories;
    private readonly ScheduleWake _wake;
    private readonly ILogger _logger;
    private readonly Dictionary<string, bool> _pausedSeen = new(StringComparer.Ordinal);
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
        _factories = factories;
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
                var next = current is null ? _time.GetUtcNow() : current is { Paused: false, NextRun: { } at } ? at : (DateTimeOffset?)null;
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
        }

        Interlocked.Exchange(ref _lastPassCompleted, pass);
        return earliest;
    }

    /// <summary>Handles one schedule: reports a pause or resume, notices its run finished, fires it when due.</summary>
    /// <returns>The record afterwards, or <see langword="null"/> when another writer changed it first (it is
    /// read again right away).</returns>
    private async Task<ScheduleRecord?> ProcessAsync(ScheduleRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await ObservePauseAsync(record).ConfigureAwait(false);
        if (record.Paused)
        {
            return record;
        }

        if (record.RunningWorkflowId is { } running && await IsFinishedAsync(running, cancellationToken).ConfigureAwait(false))
        {
            if (await _store.TrySaveScheduleAsync(record with { RunningWorkflowId = null }, cancellationToken).ConfigureAwait(false) is not { } cleared)
            {
                return null;
            }

            record = cleared;
        }

        return record.NextRun is { } due && due <= now
            ? await FireDueAsync(record, due, now, cancellationToken).ConfigureAwait(false)
            : record;
    }

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

    private async Task<bool> IsFinishedAsync(string workflowId, CancellationToken cancellationToken) =>
        await _store.GetWorkflowAsync(workflowId, cancellationToken).ConfigureAwait(false) is { } workflow && workflow.Status.IsFinished();

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
