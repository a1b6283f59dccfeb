using System.Globalization;
using AgentManager.Diagnostics;
using AgentManager.Events;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Workflows;

namespace AgentManager.Schedules;

internal sealed partial class ScheduleRunner
{
    /// <summary>Metadata keys the runner puts on every run's workflow, so that a restart can rebuild it.</summary>
    internal const string ScheduleIdKey = "schedule_id";
    internal const string OccurrenceKey = "schedule_occurrence";
    internal const string CatchUpKey = "schedule_catch_up";
    internal const string PlanPathKey = "plan_path";

    private const int MissedCountCap = 100_000;

    /// <summary>Fires a due schedule: on time, as a catch-up, or skipped as missed or overlapping.</summary>
    private async Task<ScheduleRecord?> FireDueAsync(ScheduleRecord record, DateTimeOffset due, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ScheduleTiming timing;
        try
        {
            timing = ScheduleRecords.Timing(record);
        }
        catch (ScheduleConfigurationException exception)
        {
            // Stop firing it until it is defined again; a tight loop of failures helps nobody.
            var stopped = await _store.TrySaveScheduleAsync(record with { NextRun = null, UpdatedAt = now }, cancellationToken).ConfigureAwait(false);
            await PublishAsync(new ScheduleEvent(EventTypes.ScheduleFailed, record.ScheduleId, now) { Occurrence = due, Reason = exception.Message }).ConfigureAwait(false);
            return stopped;
        }

        var latest = timing.LatestDue(due, now);
        var next = timing.After(latest, now);
        var missed = timing.CountBetween(due, latest, MissedCountCap);
        var late = now - latest > _options.MissedRunTolerance;
        if (late)
        {
            missed++;
        }

        if (late && record.MissedRunPolicy == MissedRunPolicy.Skip)
        {
            return await SkipAsync(
                record,
                next,
                new ScheduleEvent(EventTypes.ScheduleSkipped, record.ScheduleId, now)
                {
                    Occurrence = latest,
                    SkipReason = ScheduleSkipReason.Missed,
                    MissedOccurrences = missed,
                    Reason = string.Create(CultureInfo.InvariantCulture, $"{missed} occurrence(s) passed while no runner was running, the last at {latest:O}; the missed-run policy is skip"),
                },
                cancellationToken).ConfigureAwait(false);
        }

        if (record.RunningWorkflowId is { } running && !record.AllowOverlap
            && await _store.GetWorkflowAsync(running, cancellationToken).ConfigureAwait(false) is { } previous && !previous.Status.IsFinished())
        {
            return await SkipAsync(
                record,
                next,
                new ScheduleEvent(EventTypes.ScheduleSkipped, record.ScheduleId, now)
                {
                    Occurrence = latest,
                    RunWorkflowId = running,
                    SkipReason = ScheduleSkipReason.Overlap,
                    MissedOccurrences = missed,
                    Reason = $"the previous run, workflow '{running}', is {previous.Status.ToWireName()} and the schedule does not allow overlap",
                },
                cancellationToken).ConfigureAwait(false);
        }

        var workflowId = ScheduleRecords.WorkflowId(record.ScheduleId, latest);
        var recorded = await _store.TrySaveScheduleAsync(
            record with { LastOccurrence = latest, LastWorkflowId = workflowId, RunningWorkflowId = workflowId, NextRun = next, UpdatedAt = now },
            cancellationToken).ConfigureAwait(false);
        return recorded is null
            ? null
            : await StartRunAsync(recorded, new ScheduleFiring(record.ScheduleId, workflowId, latest, catchUp: late), missed, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ScheduleRecord?> SkipAsync(ScheduleRecord record, DateTimeOffset? next, ScheduleEvent skipped, CancellationToken cancellationToken)
    {
        var saved = await _store.TrySaveScheduleAsync(record with { NextRun = next, UpdatedAt = skipped.Timestamp }, cancellationToken).ConfigureAwait(false);
        if (saved is not null)
        {
            await PublishAsync(skipped with { NextRun = next }).ConfigureAwait(false);
        }

        return saved;
    }

    /// <summary>Creates and starts the workflow of a recorded firing. A failure is reported and frees the
    /// schedule for its next firing; a stop of the host leaves the record for the next start to complete.</summary>
    private async Task<ScheduleRecord?> StartRunAsync(ScheduleRecord record, ScheduleFiring firing, int missed, CancellationToken cancellationToken)
    {
        // The run's events and the schedule's event about it share one correlation id: the factory's, else the run's id.
        var correlationId = firing.WorkflowId;
        try
        {
            var definition = await BuildAsync(record, firing, cancellationToken).ConfigureAwait(false);
            correlationId = definition.Metadata[WorkflowEngine.CorrelationMetadataKey];
            using (CorrelationScope.Begin(correlationId))
            {
                if (!await TryCreateAsync(definition, cancellationToken).ConfigureAwait(false))
                {
                    return record; // another host's runner created it; it starts it, or a runner takes it over
                }

                await _engine.StartAsync(firing.WorkflowId, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await PublishAsync(new ScheduleEvent(EventTypes.ScheduleFailed, record.ScheduleId, _time.GetUtcNow())
            {
                Occurrence = firing.Occurrence,
                RunWorkflowId = firing.WorkflowId,
                NextRun = record.NextRun,
                CatchUp = firing.CatchUp,
                Reason = exception.Message,
                CorrelationId = correlationId,
            }).ConfigureAwait(false);
            return await ClearRunningAsync(record.ScheduleId, firing.WorkflowId, cancellationToken).ConfigureAwait(false);
        }

        await PublishAsync(new ScheduleEvent(EventTypes.ScheduleFired, record.ScheduleId, _time.GetUtcNow())
        {
            Occurrence = firing.Occurrence,
            RunWorkflowId = firing.WorkflowId,
            NextRun = record.NextRun,
            CatchUp = firing.CatchUp,
            MissedOccurrences = missed,
            CorrelationId = correlationId,
        }).ConfigureAwait(false);
        return record;
    }

    /// <summary>Creates a run's workflow; <see langword="false"/> when the create failed because another runner
    /// created the workflow of this occurrence first.</summary>
    private async Task<bool> TryCreateAsync(WorkflowDefinition definition, CancellationToken cancellationToken)
    {
        try
        {
            await _engine.CreateAsync(definition, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is WorkflowExistsException or WorkflowValidationException)
        {
            if (await _store.GetWorkflowAsync(definition.Id!, cancellationToken).ConfigureAwait(false) is null)
            {
                throw;
            }

            return false;
        }
    }

    private Task<ScheduleRecord?> ClearRunningAsync(string scheduleId, string workflowId, CancellationToken cancellationToken) =>
        ScheduleRecords.UpdateAsync(
            _store,
            scheduleId,
            stored => stored?.RunningWorkflowId == workflowId ? stored with { RunningWorkflowId = null } : null,
            cancellationToken);

    /// <summary>Builds a run from a confirmed version of a stored plan, its assignees resolved as for any workflow made
    /// from a plan: a catalog profile's process runner, else an agent registered with DI.</summary>
    private async Task<WorkflowDefinition> BuildFromStoredPlanAsync(string scheduleId, string planId, int? version, CancellationToken cancellationToken)
    {
        var plan = await _plans.GetAsync(planId, version ?? throw new ScheduleConfigurationException([$"Schedule '{scheduleId}' names task plan '{planId}' without a version."], scheduleId), cancellationToken).ConfigureAwait(false);
        if (plan.Status != PlanStatus.Confirmed)
        {
            throw new ScheduleConfigurationException([$"Schedule '{scheduleId}': version {version} of task plan '{planId}' is {plan.Status.ToWireName()}; a schedule runs a confirmed version."], scheduleId);
        }

        return PlanWorkflowBuilder.Build(plan, _catalog.PlanRunnerOf);
    }

    /// <summary>Builds the workflow of a firing from the schedule's stored plan, plan file or registered factory.</summary>
    private async Task<WorkflowDefinition> BuildAsync(ScheduleRecord record, ScheduleFiring firing, CancellationToken cancellationToken)
    {
        WorkflowDefinition definition;
        if (record.PlanId is { } planId)
        {
            definition = await BuildFromStoredPlanAsync(record.ScheduleId, planId, record.PlanVersion, cancellationToken).ConfigureAwait(false);
            definition.Id = firing.WorkflowId;
            definition.Name = record.ScheduleId;
        }
        else if (record.PlanPath is { } planPath)
        {
            var plan = await PlanFile.LoadAsync(planPath, cancellationToken).ConfigureAwait(false);
            definition = plan.ToWorkflow(Path.Combine(_workRoot, firing.WorkflowId), firing.WorkflowId);
            definition.Metadata[PlanPathKey] = planPath;
        }
        else if (_factories.Find(record.ScheduleId) is { } factory)
        {
            definition = await factory(firing, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The workflow factory of schedule '{record.ScheduleId}' returned no workflow.");
            definition.Id = firing.WorkflowId;
        }
        else
        {
            throw new ScheduleConfigurationException(
                [$"Schedule '{record.ScheduleId}' has no plan file and no workflow factory is registered for it in this process; define it in the host's ScheduleOptions or through IScheduleService."],
                record.ScheduleId);
        }

        definition.Name ??= record.ScheduleId;
        definition.Metadata[ScheduleIdKey] = record.ScheduleId;
        definition.Metadata[OccurrenceKey] = firing.Occurrence.ToString("O", CultureInfo.InvariantCulture);
        if (!definition.Metadata.TryGetValue(WorkflowEngine.CorrelationMetadataKey, out var correlationId) || string.IsNullOrWhiteSpace(correlationId))
        {
            definition.Metadata[WorkflowEngine.CorrelationMetadataKey] = firing.WorkflowId;
        }
        if (firing.CatchUp)
        {
            definition.Metadata[CatchUpKey] = "true";
        }

        return definition;
    }
}
