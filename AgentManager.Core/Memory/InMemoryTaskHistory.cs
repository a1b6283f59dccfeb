namespace AgentManager.Memory;

/// <summary>The in-process task history: complete, and gone when the process ends.</summary>
internal sealed class InMemoryTaskHistory : ITaskHistory
{
    private readonly object _sync = new();
    private readonly Dictionary<(string WorkflowId, string TaskId, int Attempts), Entry> _entries = [];
    private long _sequence;

    public Task RecordAsync(TaskOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var key = (outcome.WorkflowId, outcome.TaskId, outcome.Attempts);
            var sequence = _entries.TryGetValue(key, out var existing) ? existing.Sequence : ++_sequence;
            _entries[key] = new Entry(sequence, outcome);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<TaskOutcome>> QueryAsync(TaskHistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            IReadOnlyList<TaskOutcome> result = _entries.Values
                .Where(e => query.Matches(e.Outcome))
                .OrderByDescending(e => e.Outcome.FinishedAt.UtcTicks)
                .ThenByDescending(e => e.Sequence)
                .Take(query.Limit)
                .Select(e => e.Outcome)
                .ToArray();
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<TaskOutcome>> DeleteWorkflowAsync(string workflowId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var deleted = _entries.Where(e => e.Key.WorkflowId == workflowId).OrderBy(e => e.Value.Sequence).ToArray();
            foreach (var (key, _) in deleted)
            {
                _entries.Remove(key);
            }

            return Task.FromResult<IReadOnlyList<TaskOutcome>>(deleted.Select(e => e.Value.Outcome).ToArray());
        }
    }

    private sealed record Entry(long Sequence, TaskOutcome Outcome);
}
