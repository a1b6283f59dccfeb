using AgentManager.Lifecycle;
using AgentManager.Persistence;
using Microsoft.Extensions.Logging;
using Npgsql;
using static AgentManager.Storage.Postgres.PostgresCommands;

namespace AgentManager.Storage.Postgres;

/// <summary>The state store on PostgreSQL. Every method runs on a pooled connection of its own; a commit is one
/// transaction that first locks the rows of the workflows it writes (so a lease taken over by another host fences
/// it out), then sends all its writes in one round trip, several rows per statement.</summary>
internal sealed partial class PostgresStateStore(PostgresDatabase database, ILogger? logger = null) : IStateStore, IStateStoreSignals
{
    private readonly PostgresSignals _signals = new(database, logger);

    private readonly string _workflowSelect = database.Sql($"SELECT {PostgresRows.WorkflowColumns} FROM {{schema}}.workflows");
    private readonly string _taskSelect = database.Sql($"SELECT {PostgresRows.TaskColumns} FROM {{schema}}.tasks");
    private readonly string _transitionSelect = database.Sql($"SELECT {PostgresRows.TransitionColumns} FROM {{schema}}.transitions");
    private readonly string _decisionSelect = database.Sql($"SELECT {PostgresRows.DecisionColumns} FROM {{schema}}.human_decisions");

    /// <summary>Gets the store's signals, so that a test can wait for its listener.</summary>
    internal PostgresSignals Signals => _signals;

    public IDisposable Subscribe(Action<string> stored) => _signals.Subscribe(stored);

    public async Task<WorkflowRecord?> GetWorkflowAsync(string workflowId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        var rows = await QueryAsync(_workflowSelect + " WHERE workflow_id = $1", PostgresRows.Workflow, cancellationToken, workflowId).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<WorkflowRecord>> ListWorkflowsAsync(CancellationToken cancellationToken) =>
        await QueryAsync(_workflowSelect + " ORDER BY seq", PostgresRows.Workflow, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<TaskRecord>> GetTasksAsync(string workflowId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        return await QueryAsync(_taskSelect + " WHERE workflow_id = $1 ORDER BY ordinal", PostgresRows.Task, cancellationToken, workflowId).ConfigureAwait(false);
    }

    public async Task<TaskRecord?> GetTaskAsync(string workflowId, string taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        ArgumentNullException.ThrowIfNull(taskId);
        var rows = await QueryAsync(_taskSelect + " WHERE workflow_id = $1 AND task_id = $2", PostgresRows.Task, cancellationToken, workflowId, taskId).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<TaskTransition>> GetTransitionsAsync(string workflowId, string? taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        return taskId is null
            ? await QueryAsync(_transitionSelect + " WHERE workflow_id = $1 ORDER BY id", PostgresRows.Transition, cancellationToken, workflowId).ConfigureAwait(false)
            : await QueryAsync(_transitionSelect + " WHERE workflow_id = $1 AND task_id = $2 ORDER BY id", PostgresRows.Transition, cancellationToken, workflowId, taskId).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<HumanDecisionRecord>> GetPendingDecisionsAsync(IReadOnlyCollection<string>? workflowIds, CancellationToken cancellationToken) =>
        workflowIds is null
            ? await QueryAsync(_decisionSelect + " WHERE status = 'pending' ORDER BY seq", PostgresRows.Decision, cancellationToken).ConfigureAwait(false)
            : await QueryAsync(_decisionSelect + " WHERE status = 'pending' AND workflow_id = ANY($1) ORDER BY seq", PostgresRows.Decision, cancellationToken, (object)workflowIds.ToArray()).ConfigureAwait(false);

    public async Task<HumanDecisionRecord?> GetDecisionAsync(string decisionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decisionId);
        var rows = await QueryAsync(_decisionSelect + " WHERE decision_id = $1", PostgresRows.Decision, cancellationToken, decisionId).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<EventLogEntry>> ReadEventsAsync(EventLogQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var (sql, parameters) = PostgresEventLogSql.Select(query);
        return await QueryAsync(database.Sql(sql), EventLogRows.Read, cancellationToken, parameters).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> PurgeAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            database.Sql("""
                WITH doomed AS (
                    SELECT workflow_id, seq FROM {schema}.workflows
                    WHERE status IN ('completed', 'failed', 'cancelled') AND finished_ticks < $1
                      AND workflow_id NOT IN (SELECT running_workflow_id FROM {schema}.schedules WHERE running_workflow_id IS NOT NULL)
                    FOR UPDATE),
                transitions AS (DELETE FROM {schema}.transitions WHERE workflow_id IN (SELECT workflow_id FROM doomed)),
                events AS (DELETE FROM {schema}.events WHERE workflow_id IN (SELECT workflow_id FROM doomed))
                DELETE FROM {schema}.workflows w USING doomed d WHERE w.workflow_id = d.workflow_id RETURNING w.workflow_id, d.seq
                """),
            r => (Id: r.GetString(0), Seq: r.GetInt64(1)),
            cancellationToken,
            finishedBefore.UtcTicks).ConfigureAwait(false);
        return [.. rows.OrderBy(r => r.Seq).Select(r => r.Id)];
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params object?[] parameters)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, sql, parameters);
            return await ReadAllAsync(command, read, cancellationToken).ConfigureAwait(false);
        }
    }
}
