using AgentManager.Memory;
using AgentManager.Persistence.Checkpoints;
using AgentManager.Workflows;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentManager.Persistence;

/// <summary>Purges finished workflows older than <see cref="RetentionOptions.FinishedWorkflowTtl"/> every
/// <see cref="RetentionOptions.Interval"/>, with their checkpoints, working memory, unless
/// <see cref="RetentionOptions.KeepMemory"/> their task history and outcome memory records, and with
/// <see cref="RetentionOptions.DeleteWorkRoots"/> their work roots. Does nothing while retention is off.</summary>
internal sealed partial class RetentionService(
    IOptions<AgentManagerOptions> options,
    IWorkflowEngine engine,
    TimeProvider time,
    ILogger<RetentionService>? logger = null,
    ICheckpointStore? checkpoints = null,
    IWorkingMemory? workingMemory = null,
    ITaskHistory? history = null,
    TaskOutcomeMemory? outcomeMemory = null,
    SemanticMemory? semanticMemory = null) : BackgroundService
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;
    private long _passes;

    /// <summary>Gets how many purge passes have completed, so that a test can wait for one.</summary>
    internal long Passes => Interlocked.Read(ref _passes);

    private PeriodicTimer? _timer;

    /// <summary>Starts the interval when the host starts, not when <see cref="ExecuteAsync"/> first runs on the
    /// thread pool: passes come every interval from host start.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Retention.FinishedWorkflowTtl is not null)
        {
            _timer = new PeriodicTimer(options.Value.Retention.Interval, time);
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = options.Value.Retention;
        if (retention.FinishedWorkflowTtl is not { } ttl || _timer is not { } timer)
        {
            return;
        }

        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await PurgeAsync(ttl, retention.KeepMemory, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    PurgeFailed(_logger, exception);
                }

                Interlocked.Increment(ref _passes);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private async Task PurgeAsync(TimeSpan ttl, bool keepMemory, CancellationToken cancellationToken)
    {
        var purged = await engine.PurgeAsync(ttl, cancellationToken).ConfigureAwait(false);
        foreach (var workflowId in purged)
        {
            if (checkpoints is not null)
            {
                await checkpoints.DeleteWorkflowAsync(workflowId, cancellationToken).ConfigureAwait(false);
            }

            if (workingMemory is not null)
            {
                await workingMemory.ClearAsync(workflowId, cancellationToken).ConfigureAwait(false);
            }

            if (!keepMemory && history is not null)
            {
                await ForgetAsync(history, workflowId, cancellationToken).ConfigureAwait(false);
            }

            if (options.Value.Retention.DeleteWorkRoots)
            {
                DeleteWorkRoot(workflowId);
            }
        }

        if (purged.Count > 0)
        {
            Purged(_logger, purged.Count, ttl);
        }
    }

    /// <summary>Deletes the engine's own work root of a purged workflow; best effort: what cannot be deleted (a file
    /// still open, say) is logged and left.</summary>
    private void DeleteWorkRoot(string workflowId)
    {
        var parent = Path.GetFullPath(options.Value.WorkRoot);
        var workRoot = Path.GetFullPath(Path.Combine(parent, workflowId));
        if (!string.Equals(Path.GetDirectoryName(workRoot), Path.TrimEndingDirectorySeparator(parent), StringComparison.Ordinal) || !Directory.Exists(workRoot))
        {
            return;
        }

        try
        {
            Directory.Delete(workRoot, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            WorkRootNotDeleted(_logger, workRoot, workflowId, exception);
        }
    }

    /// <summary>Deletes a workflow's task history and the semantic memory records made from those outcomes.</summary>
    private async Task ForgetAsync(ITaskHistory taskHistory, string workflowId, CancellationToken cancellationToken)
    {
        var outcomes = await taskHistory.DeleteWorkflowAsync(workflowId, cancellationToken).ConfigureAwait(false);
        if (outcomes.Count > 0 && outcomeMemory is not null && semanticMemory is not null)
        {
            await semanticMemory.ForgetAsync(outcomes.Select(o => outcomeMemory.ToMemoryRecord(o).Id), cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Retention purged {Count} workflow(s) that finished more than {Ttl} ago")]
    private static partial void Purged(ILogger logger, int count, TimeSpan ttl);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Retention could not delete the work root {WorkRoot} of purged workflow {WorkflowId}")]
    private static partial void WorkRootNotDeleted(ILogger logger, string workRoot, string workflowId, Exception exception);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Error, Message = "The retention purge failed; it runs again at the next interval")]
    private static partial void PurgeFailed(ILogger logger, Exception exception);
}
