using System.Globalization;
using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Schedules;

internal sealed partial class ScheduleRunner
{
    /// <summary>Completes what a previous process left: resumes the unfinished runs of schedules that no engine holds
    /// (a run another host is running is left to it), and creates the run of a firing that was recorded but whose
    /// workflow was never created.</summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var records = await _store.ListSchedulesAsync(cancellationToken).ConfigureAwait(false);
        var byId = records.ToDictionary(r => r.ScheduleId, StringComparer.Ordinal);
        foreach (var record in records)
        {
            _pausedSeen[record.ScheduleId] = record.Paused;
        }

        var now = _time.GetUtcNow();
        var unfinished = await _store.QueryWorkflowsAsync(WorkflowQuery.Unfinished, cancellationToken).ConfigureAwait(false);
        foreach (var workflow in unfinished.Workflows)
        {
            if (IsUnheld(workflow, now)
                && RunFiring(workflow) is { } firing
                && byId.TryGetValue(firing.ScheduleId, out var record)
                && CanBuild(record))
            {
                await ResumeRunAsync(record, workflow, firing, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var record in records)
        {
            if (record is { RunningWorkflowId: { } workflowId, LastOccurrence: { } occurrence }
                && CanBuild(record)
                && await _store.GetWorkflowAsync(workflowId, cancellationToken).ConfigureAwait(false) is null)
            {
                await StartRunAsync(record, new ScheduleFiring(record.ScheduleId, workflowId, occurrence, catchUp: false), 0, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The firing a scheduled run's workflow was made for, from its metadata; <see langword="null"/> for a
    /// workflow no schedule made.</summary>
    private static ScheduleFiring? RunFiring(WorkflowRecord workflow) =>
        workflow.Metadata.TryGetValue(ScheduleIdKey, out var scheduleId)
        && workflow.Metadata.TryGetValue(OccurrenceKey, out var occurrenceText)
        && DateTimeOffset.TryParse(occurrenceText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var occurrence)
            ? new ScheduleFiring(scheduleId, workflow.WorkflowId, occurrence, workflow.Metadata.ContainsKey(CatchUpKey))
            : null;

    /// <summary>Resumes, on this host, an unfinished run that no engine holds, and starts it when it was created but
    /// never started. A run another engine resumed first is left to it.</summary>
    private async Task ResumeRunAsync(ScheduleRecord record, WorkflowRecord workflow, ScheduleFiring firing, CancellationToken cancellationToken)
    {
        try
        {
            var definition = await BuildAsync(record, firing, cancellationToken).ConfigureAwait(false);
            definition.WorkRoot = workflow.WorkRoot ?? definition.WorkRoot;
            await _engine.ResumeAsync(definition, cancellationToken).ConfigureAwait(false);
            if (workflow.Status == WorkflowStatus.Created)
            {
                await _engine.StartAsync(workflow.WorkflowId, cancellationToken).ConfigureAwait(false);
            }

            ScheduleLog.RunResumed(_logger, record.ScheduleId, workflow.WorkflowId, workflow.LeaseOwner ?? "(none)");
        }
        catch (Exception exception) when (exception is LeaseHeldException or WorkflowStateException)
        {
            // Another host's runner resumed it first, or it finished or is already run here.
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await PublishAsync(new ScheduleEvent(EventTypes.ScheduleFailed, record.ScheduleId, _time.GetUtcNow())
            {
                Occurrence = firing.Occurrence,
                RunWorkflowId = workflow.WorkflowId,
                NextRun = record.NextRun,
                Reason = "the unfinished run could not be resumed: " + exception.Message,
            }).ConfigureAwait(false);

            // The run stays unfinished in the store; the schedule must not wait for it forever.
            await ClearRunningAsync(record.ScheduleId, workflow.WorkflowId, cancellationToken).ConfigureAwait(false);
        }
    }
}
