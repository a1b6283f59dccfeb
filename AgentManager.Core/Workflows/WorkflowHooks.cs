using System.Globalization;
using System.Threading.Channels;
using AgentManager.Events;
using AgentManager.Hooks;
using AgentManager.Lifecycle;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentManager.Workflows;

/// <summary>Runs the workflow hook points for the engine: <c>before_workflow_run</c> on the caller of a
/// start, and <c>after_workflow_run</c>, <c>task_failed</c> and <c>task_blocked</c> from the events the engine
/// publishes, on the thread pool, at most <see cref="HookOptions.MaxConcurrentRuns"/> at once, so a slow hook
/// never holds up the engine loop.</summary>
/// <remarks>Events are queued as they arrive (only for points that have hooks) and their hooks run in no
/// fixed order across events. Stopping runs the hooks of events already published before it returns.</remarks>
internal sealed partial class WorkflowHooks : IAsyncDisposable, IDisposable
{
    private readonly IHookRunner _runner;
    private readonly IEventBus _bus;
    private readonly ILogger _logger;
    private readonly int _maxConcurrentRuns;
    private readonly Channel<(HookPoint Point, string WorkflowId, Dictionary<string, string> Context)> _queue =
        Channel.CreateUnbounded<(HookPoint, string, Dictionary<string, string>)>();

    private readonly CancellationTokenSource _abort = new();
    private readonly object _gate = new();
    private IAsyncDisposable? _subscription;
    private Task _workers = Task.CompletedTask;
    private bool _started;

    public WorkflowHooks(IHookRunner runner, IEventBus bus, IOptions<HookOptions> options, ILogger<WorkflowHooks>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _runner = runner;
        _bus = bus;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _maxConcurrentRuns = Math.Max(1, options.Value.MaxConcurrentRuns);
    }

    /// <summary>Runs the <c>before_workflow_run</c> hooks of a workflow about to start.</summary>
    /// <exception cref="WorkflowStartBlockedException">A hook failed without <c>allow_failure</c>.</exception>
    public async Task RunBeforeStartAsync(WorkflowRun run, CancellationToken cancellationToken)
    {
        if (!HasHooks(HookPoint.BeforeWorkflowRun))
        {
            return;
        }

        var context = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["workflow_name"] = run.Name ?? "",
            ["work_root"] = run.WorkRoot,
            ["task_count"] = run.Tasks.Length.ToString(CultureInfo.InvariantCulture),
            ["task_ids"] = string.Join(",", run.Tasks.Select(task => task.Id)),
            ["plan_id"] = run.Metadata.GetValueOrDefault("plan_id", ""),
        };
        var result = await _runner.RunAsync(HookPoint.BeforeWorkflowRun, run.Id, context, cancellationToken).ConfigureAwait(false);
        if (result.Blocked)
        {
            throw new WorkflowStartBlockedException(run.Id, result);
        }
    }

    /// <summary>Subscribes to the events of the points that have hooks and starts the workers; once.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started)
            {
                return;
            }

            _started = true;
            var types = EventTypesOf(PointsWithHooks()).ToList();
            if (types.Count == 0)
            {
                return;
            }

            _subscription = _bus.Subscribe(new EventFilter(types: types), Enqueue);
            _workers = Task.WhenAll(Enumerable.Range(0, _maxConcurrentRuns).Select(_ => Task.Run(RunWorkerAsync)));
        }
    }

    /// <summary>Runs the hooks of every event already published, then stops; when
    /// <paramref name="cancellationToken"/> fires first, running hooks are killed and queued ones dropped.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        IAsyncDisposable? subscription;
        lock (_gate)
        {
            _started = true;
            subscription = _subscription;
            _subscription = null;
        }

        try
        {
            if (subscription is not null)
            {
                await subscription.DisposeAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            _queue.Writer.TryComplete();
            await _workers.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abort();
            throw;
        }
    }

    /// <summary>Kills running hooks and drops queued ones, without waiting.</summary>
    public void Abort()
    {
        _queue.Writer.TryComplete();
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed already: nothing runs any more.
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _abort.Dispose();
        }
    }

    /// <summary>Kills running hooks and drops queued ones, for containers disposed synchronously.</summary>
    public void Dispose()
    {
        IAsyncDisposable? subscription;
        lock (_gate)
        {
            _started = true;
            subscription = _subscription;
            _subscription = null;
        }

        Abort();
        _ = subscription?.DisposeAsync().AsTask();
        _abort.Dispose();
    }

    private IEnumerable<HookPoint> PointsWithHooks() =>
        new[] { HookPoint.AfterWorkflowRun, HookPoint.TaskFailed, HookPoint.TaskBlocked }.Where(HasHooks);

    /// <summary>The built-in runner knows its hooks; any other runner is asked at every point.</summary>
    private bool HasHooks(HookPoint point) =>
        _runner is not HookRunner known || known.Hooks.Any(hook => hook.Enabled && hook.Point == point);

    private static IEnumerable<string> EventTypesOf(IEnumerable<HookPoint> points)
    {
        foreach (var point in points)
        {
            string[] types = point switch
            {
                HookPoint.AfterWorkflowRun => [EventTypes.WorkflowCompleted, EventTypes.WorkflowFailed, EventTypes.WorkflowCancelled],
                HookPoint.TaskFailed => [EventTypes.TaskFailed],
                _ => [EventTypes.TaskBlocked],
            };
            foreach (var type in types)
            {
                yield return type;
            }
        }
    }

    private ValueTask Enqueue(AgentManagerEvent @event, CancellationToken cancellationToken)
    {
        if (@event.Origin is not null)
        {
            return ValueTask.CompletedTask; // another node's move: that node runs its hooks
        }

        var job = @event switch
        {
            WorkflowEvent finished => (HookPoint.AfterWorkflowRun, finished.WorkflowId, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["status"] = finished.Type["workflow_".Length..],
                ["reason"] = finished.Reason ?? "",
            }),
            TaskEvent task => (task.Transition.To == TaskState.Failed ? HookPoint.TaskFailed : HookPoint.TaskBlocked, task.WorkflowId, TaskContext(task.Transition)),
            _ => default((HookPoint, string, Dictionary<string, string>)?),
        };
        if (job is { } queued)
        {
            _queue.Writer.TryWrite(queued);
        }

        return ValueTask.CompletedTask;
    }

    private static Dictionary<string, string> TaskContext(TaskTransition transition) => new(StringComparer.Ordinal)
    {
        ["task_id"] = transition.TaskId,
        ["task_state"] = transition.To.ToWireName(),
        ["previous_state"] = transition.From.ToWireName(),
        ["trigger"] = transition.Trigger.ToWireName(),
        ["attempt"] = transition.Attempt.ToString(CultureInfo.InvariantCulture),
        ["reason"] = transition.Reason ?? "",
        ["actor"] = transition.Actor,
    };

    private async Task RunWorkerAsync()
    {
        try
        {
            await foreach (var (point, workflowId, context) in _queue.Reader.ReadAllAsync(_abort.Token).ConfigureAwait(false))
            {
                try
                {
                    await _runner.RunAsync(point, workflowId, context, _abort.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    HookRunFailed(_logger, point.ToWireName(), workflowId, ex);
                }
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Error, Message = "The {Point} hooks of workflow {WorkflowId} could not run")]
    private static partial void HookRunFailed(ILogger logger, string point, string workflowId, Exception exception);
}
