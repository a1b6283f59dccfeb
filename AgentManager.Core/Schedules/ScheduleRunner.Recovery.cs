using System.Globalization;
using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Schedules;

internal sealed partial class ScheduleRunner
{
    /// <summary>Completes what a previous process left: resumes the unfinished runs of schedules, and creates
    /// the run of a firing that was recorded but whose workflow was never created.</summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var records = await _store.ListSchedulesAsync(cancellationToken).ConfigureAwait(false);
        var byId = records.ToDictionary(r => r.ScheduleId, StringComparer.Ordinal);
        foreach (var record in records)
        {
            _pausedSeen[record.ScheduleId] = record.Paused;
        }

        foreach (var workflow in await _store.ListWorkflowsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!workflow.Status.IsFinished()
                && workflow.Metadata.TryGetValue(ScheduleIdKey, out var scheduleId)
                && byId.TryGetValue(scheduleId, out var record)
                && workflow.Metadata.TryGetValue(OccurrenceKey, out var occurrenceText)
                && DateTimeOffset.TryParse(occurrenceText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var occurrence))
            {
                var firing = new ScheduleFiring(scheduleId, workflow.WorkflowId, occurrence, workflow.Metadata.ContainsKey(CatchUpKey));
                await ResumeRunAsync(record, workflow, firing, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var record in records)
        {
            if (record is { RunningWorkflowId: { } workflowId, LastOccurrence: { } occurrence }
                && await _store.GetWorkflowAsync(workflowId, cancellationToken).ConfigureAwait(false) is null)
            {
                await StartRunAsync(record, new ScheduleFiring(record.ScheduleId, workflowId, occurrence, catchUp: false), 0, cancellationToken).ConfigureAwait(false);
            }
        }
    }

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

            ScheduleLog.RunResumed(_logger, record.ScheduleId, workflow.WorkflowId);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await PublishAsync(new ScheduleEvent(EventTypes.ScheduleFailed, record.ScheduleId, _time.GetUtcNow())
            {
                Occurrence = firing.Occurrence,
                RunWorkflowId = workflow.WorkflowId,
                NextRun = record.NextRun,
                Reason = "the unfinished run could not be resumed after a restart: " + exception.Message,
            }).ConfigureAwait(false);

            // The run stays unfinished in the store; the schedule must not wait for it forever.
            await ClearRunningAsync(record.ScheduleId, workflow.WorkflowId, cancellationToken).ConfigureAwait(false);
        }
    }
}
