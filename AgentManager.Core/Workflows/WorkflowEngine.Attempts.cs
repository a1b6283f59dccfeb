namespace AgentManager.Workflows;

/// <summary>Attempt time limits and cancellation: the loop keeps every in-flight attempt's deadline
/// (<see cref="AttemptDeadlines"/>) and cancels attempts itself.</summary>
internal sealed partial class WorkflowEngine
{
    private void OnAttemptDeadlinesDue()
    {
        _deadlines.TakeDue(_timedOut);
        foreach (var attempt in _timedOut)
        {
            // Off the loop, as a timer would: the agent's cancellation callbacks (killing a process) may be slow.
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Engine.Cancel(state.Attempt), (Engine: this, Attempt: attempt), preferLocal: false);
        }

        _timedOut.Clear();
    }

    /// <summary>Cancels every attempt still in flight when the loop ends (the engine stopped or the loop failed).</summary>
    private void CancelAllAttempts()
    {
        foreach (var run in _runs.Values)
        {
            foreach (var task in run.Tasks)
            {
                if (task.CurrentAttempt is { } attempt)
                {
                    Cancel(attempt);
                }
            }
        }
    }

    private void Cancel(AttemptRun attempt)
    {
        try
        {
            attempt.Cancel();
        }
        catch (AggregateException ex)
        {
            EngineLog.AttemptCancellationFailed(_logger, attempt.Task.Run.Id, attempt.Task.Id, ex);
        }
    }
}
