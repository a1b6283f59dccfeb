using AgentManager.Persistence;

namespace AgentManager.Workflows;

/// <summary>Correlation ids on events: the events a request causes carry the request's id (captured from
/// <see cref="Diagnostics.CorrelationScope"/> when the command was made); the events that follow carry the id
/// of the workflow's latest request (create, start, resume, cancel or a human decision), else the workflow's
/// <c>correlation_id</c> metadata.</summary>
internal sealed partial class WorkflowEngine
{
    /// <summary>The workflow metadata key whose value is the run's correlation id when no request gave one (a
    /// resumed run, for example).</summary>
    internal const string CorrelationMetadataKey = "correlation_id";

    /// <summary>Whether any run or task has had a correlation id: until then no event needs one.</summary>
    private bool _correlating;

    /// <summary>Called after a command was handled without error: stamps the events it added and remembers the
    /// id on the run it changed.</summary>
    private void Correlate(IEngineCommand command, int firstEvent)
    {
        if (command is CreateWorkflowCommand or ResumeWorkflowCommand)
        {
            var run = command is CreateWorkflowCommand create ? create.Run : ((ResumeWorkflowCommand)command).Run;
            run.CorrelationId = ((RequestCommand)command).CorrelationId ?? run.Metadata.GetValueOrDefault(CorrelationMetadataKey);
            _correlating |= run.CorrelationId is not null;
        }

        if (command is not RequestCommand { CorrelationId: { } id })
        {
            return;
        }

        _correlating = true;
        switch (command)
        {
            case StartWorkflowCommand start when _runs.TryGetValue(start.WorkflowId, out var started):
                started.CorrelationId = id;
                break;
            case CancelWorkflowCommand cancel when _runs.TryGetValue(cancel.WorkflowId, out var cancelled):
                cancelled.CorrelationId = id;
                break;
            case HumanDecisionCommand decision when _runs.TryGetValue(decision.Decision.WorkflowId, out var decided):
                decided.CorrelationId = id;
                break;
            default:
                break;
        }

        Stamp(firstEvent, id);
    }

    /// <summary>Called after a decision or a cancel request stored by another process (or before this engine ran the
    /// workflow) was carried out or rejected: its events carry the id of the request that asked for it, and so do the
    /// later events of the run it changed (<paramref name="run"/>; <see langword="null"/> for a rejected decision).</summary>
    private void CorrelateStored(string? correlationId, WorkflowRun? run, int firstEvent)
    {
        if (correlationId is not { } id)
        {
            return;
        }

        _correlating = true;
        if (run is not null)
        {
            run.CorrelationId = id;
        }

        Stamp(firstEvent, id);
    }

    /// <summary>Stamps the events added since <paramref name="firstEvent"/> that carry no id yet.</summary>
    private void Stamp(int firstEvent, string id)
    {
        var events = _changes.Events;
        for (var i = firstEvent; i < events.Count; i++)
        {
            if (events[i].CorrelationId is null)
            {
                events[i].StampCorrelationId(id); // made by this loop, not yet stored or published: no copy
            }
        }
    }

    /// <summary>Called before a commit: the events no request stamped carry their workflow's id.</summary>
    private void CorrelateRemaining()
    {
        if (!_correlating)
        {
            return;
        }

        var events = _changes.Events;
        for (var i = 0; i < events.Count; i++)
        {
            var @event = events[i];
            if (@event.CorrelationId is not null || !_runs.TryGetValue(@event.WorkflowId, out var run))
            {
                continue;
            }

            if (run.CorrelationId is { } id)
            {
                @event.StampCorrelationId(id);
            }
        }
    }
}
