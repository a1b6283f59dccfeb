using System.Runtime.InteropServices;
using AgentManager.Events;
using AgentManager.Inbox;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Persistence.Sqlite;
using AgentManager.Workflows;
using Npgsql;
using static AgentManager.Storage.Postgres.PostgresCommands;

namespace AgentManager.Storage.Postgres;

internal sealed partial class PostgresStateStore
{
    private const string ForeignKeyViolation = "23503";
    private const string UniqueViolation = "23505";
    private const string WorkflowExists = "AM001";
    private const string LeaseLost = "AM002";
    private const string TaskMissing = "AM003";
    private const string WorkflowMissing = "AM004";
    private const int PruneEveryCommits = 1024;

    private static readonly TimeSpan FirstRetryWait = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetryWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CommitIdsKept = TimeSpan.FromDays(1);

    private int _commits;

    public async Task CommitAsync(StateChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        StateStoreChecks.ThrowIfReleasedWithoutToken(changes);
        foreach (ref readonly var change in CollectionsMarshal.AsSpan(changes.TaskChanges))
        {
            StateStoreChecks.ThrowIfUnnamed(change, nameof(changes));
        }

        if (changes.IsEmpty && changes.FencingTokens.Count == 0)
        {
            return;
        }

        // One id for every try of this commit: a try that finds it stored knows an earlier one was applied.
        var commitId = Guid.NewGuid();
        var giveUpAt = database.Time.GetUtcNow() + database.CommitRetryTime;
        var wait = FirstRetryWait;
        while (true)
        {
            try
            {
                await CommitOnceAsync(changes, commitId, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException ex) when (ex.IsTransient && !cancellationToken.IsCancellationRequested && database.Time.GetUtcNow() + wait < giveUpAt)
            {
                await Task.Delay(wait, database.Time, cancellationToken).ConfigureAwait(false);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LastRetryWait.Ticks));
            }
        }
    }

    /// <summary>Sends the batch once, under <paramref name="commitId"/>; returns quietly when that id was already
    /// stored (an earlier try was applied, though its answer was lost).</summary>
    internal async Task CommitOnceAsync(StateChanges changes, Guid commitId, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // No explicit transaction: the batch's statements run as one implicit transaction that any error rolls
            // back, in one round trip.
            var batch = new NpgsqlBatch(connection);
            await using (batch.ConfigureAwait(false))
            {
                AddCommitId(batch, commitId);
                AddFencing(batch, changes);
                AddWrites(batch, changes);
                try
                {
                    await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (ex.SqlState == UniqueViolation && ex.TableName == "commits")
                {
                    // Applied by an earlier try of this commit; nothing of this one was stored.
                }
                catch (PostgresException ex) when (ex.SqlState is ForeignKeyViolation or WorkflowMissing)
                {
                    throw new InvalidOperationException("A task, transition, decision or event names a workflow that was never committed; nothing was stored.", ex);
                }
                catch (PostgresException ex) when (ex.SqlState == UniqueViolation && ex.TableName == "workflows" && changes.CreatedWorkflows.Count > 0)
                {
                    // Another host created the workflow between the check and the insert.
                    throw new WorkflowExistsException(changes.CreatedWorkflows[0]);
                }
                catch (PostgresException ex) when (ex.SqlState == WorkflowExists)
                {
                    throw new WorkflowExistsException(CommitGuard.Parse(ex).Workflow!);
                }
                catch (PostgresException ex) when (ex.SqlState == LeaseLost)
                {
                    var guard = CommitGuard.Parse(ex);
                    throw new LeaseLostException(guard.Workflow!, guard.Held, guard.Current, guard.Owner);
                }
                catch (PostgresException ex) when (ex.SqlState == TaskMissing)
                {
                    await ThrowMissingTaskAsync(connection, changes.TaskChanges, ex, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    public async Task EnqueueDecisionAsync(HumanDecisionRecord decision, CancellationToken cancellationToken)
    {
        StateStoreChecks.ThrowIfNotPending(decision);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                using var command = Command(connection, database.Sql(DecisionInsert), DecisionValues(decision));
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState is ForeignKeyViolation or UniqueViolation)
            {
                throw new InvalidOperationException(
                    ex.SqlState == ForeignKeyViolation
                        ? $"Workflow '{decision.WorkflowId}' must be committed before a decision about it; nothing was stored."
                        : $"Decision id '{decision.DecisionId}' is already stored; nothing was stored.",
                    ex);
            }

            await _signals.NotifyAsync(connection, decision.WorkflowId).ConfigureAwait(false);
        }
    }

    /// <summary>Records the commit's id first, so a second try of an applied commit fails before it writes anything;
    /// now and then also deletes the ids of old commits.</summary>
    private void AddCommitId(NpgsqlBatch batch, Guid commitId)
    {
        var now = database.Time.GetUtcNow();
        batch.BatchCommands.Add(BatchCommand(database.Sql("INSERT INTO {schema}.commits (id, at_ticks) VALUES ($1, $2)"), commitId, now.UtcTicks));
        if (Interlocked.Increment(ref _commits) % PruneEveryCommits == 0)
        {
            batch.BatchCommands.Add(BatchCommand(database.Sql("DELETE FROM {schema}.commits WHERE at_ticks < $1"), (now - CommitIdsKept).UtcTicks));
        }
    }

    /// <summary>Refuses the batch when a workflow it creates exists (<c>AM001</c>) or one it writes under a lease has
    /// another fencing token (<c>AM002</c>), and locks the rows of the fenced workflows until the commit, so a lease
    /// cannot move between this check and the writes.</summary>
    private void AddFencing(NpgsqlBatch batch, StateChanges changes)
    {
        if (changes.FencingTokens.Count == 0 && changes.CreatedWorkflows.Count == 0)
        {
            return;
        }

        batch.BatchCommands.Add(BatchCommand(
            database.Sql("SELECT {schema}.check_fencing($1::text[], $2::text[], $3::bigint[])"),
            changes.CreatedWorkflows.ToArray(),
            changes.FencingTokens.Keys.ToArray(),
            changes.FencingTokens.Values.ToArray()));
    }

    /// <summary>Adds the batch's writes in the order the contract gives.</summary>
    private void AddWrites(NpgsqlBatch batch, StateChanges changes)
    {
        if (changes.PublishedWorkflows.Count > 0)
        {
            batch.BatchCommands.Add(BatchCommand(
                database.Sql("UPDATE {schema}.workflows w SET published_event_id = coalesce((SELECT max(id) FROM {schema}.events e WHERE e.workflow_id = w.workflow_id), 0) WHERE w.workflow_id = ANY($1)"),
                (object)changes.PublishedWorkflows.ToArray()));
        }

        var created = new HashSet<string>(changes.CreatedWorkflows, StringComparer.Ordinal);
        foreach (var workflow in changes.Workflows)
        {
            // A created workflow is inserted without ON CONFLICT: a concurrent creation elsewhere fails the commit.
            var sql = created.Remove(workflow.WorkflowId) ? WorkflowInsert : WorkflowInsert + WorkflowConflict;
            batch.BatchCommands.Add(BatchCommand(database.Sql(sql), WorkflowValues(workflow)));
        }

        if (changes.Tasks.Count > 0)
        {
            batch.BatchCommands.Add(TaskRows.Upsert(database, changes.Tasks));
        }

        if (changes.TaskChanges.Count > 0)
        {
            batch.BatchCommands.Add(TaskRows.Change(database, changes.TaskChanges));
        }

        if (changes.Transitions.Count > 0 || changes.Events.Count > 0)
        {
            var workflows = new HashSet<string>(StringComparer.Ordinal);
            foreach (var transition in changes.Transitions)
            {
                workflows.Add(transition.WorkflowId);
            }

            foreach (var @event in changes.Events)
            {
                workflows.Add(@event.WorkflowId);
            }

            batch.BatchCommands.Add(BatchCommand(database.Sql("SELECT {schema}.check_workflows($1::text[])"), (object)workflows.ToArray()));
        }

        if (changes.Transitions.Count > 0)
        {
            batch.BatchCommands.Add(TransitionRows(changes.Transitions));
        }

        foreach (var decision in changes.Decisions)
        {
            batch.BatchCommands.Add(BatchCommand(database.Sql(DecisionInsert + DecisionConflict), DecisionValues(decision)));
        }

        if (changes.Events.Count > 0)
        {
            // Event ids are taken under a lock held until commit, so they become visible in increasing order and a
            // reader that resumes after an id never misses an event committed later by another host.
            batch.BatchCommands.Add(BatchCommand("SELECT pg_advisory_xact_lock(hashtext('agentmanager.events.' || $1))", database.Schema));
            batch.BatchCommands.Add(EventRows(changes.Events));
        }

        if (changes.ReleasedLeases.Count > 0)
        {
            var released = changes.ReleasedLeases.ToArray();
            const string Clear = " SET lease_owner = NULL, lease_expires_ticks = NULL, lease_expires_offset = NULL WHERE workflow_id = ANY($1)";
            batch.BatchCommands.Add(BatchCommand(database.Sql("UPDATE {schema}.workflows" + Clear), (object)released));
            batch.BatchCommands.Add(BatchCommand(database.Sql("UPDATE {schema}.tasks" + Clear + " AND lease_owner IS NOT NULL"), (object)released));
        }
    }

    /// <summary>Names the first changed task that is not stored, once the batch that missed it was rolled back.</summary>
    private async Task ThrowMissingTaskAsync(NpgsqlConnection connection, List<TaskStateChange> changes, PostgresException refusal, CancellationToken cancellationToken)
    {
        using var command = Command(
            connection,
            database.Sql("""
                SELECT c.w, c.t FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS c(w, t, n)
                WHERE NOT EXISTS (SELECT 1 FROM {schema}.tasks k WHERE k.workflow_id = c.w AND k.task_id = c.t) ORDER BY c.n LIMIT 1
                """),
            changes.Select(c => c.WorkflowId).ToArray(),
            changes.Select(c => c.TaskId).ToArray());
        var missing = await ReadAllAsync(command, r => (Workflow: r.GetString(0), Task: r.GetString(1)), cancellationToken).ConfigureAwait(false);
        var (workflowId, taskId) = missing.Count > 0 ? missing[0] : (changes[0].WorkflowId, changes[0].TaskId);
        throw new InvalidOperationException($"Task '{taskId}' of workflow '{workflowId}' must be committed before a change of it; nothing was stored.", refusal);
    }

    private NpgsqlBatchCommand TransitionRows(List<TaskTransition> transitions)
    {
        var n = transitions.Count;
        var workflow = new string[n];
        var task = new string[n];
        var from = new string[n];
        var to = new string[n];
        var trigger = new string[n];
        var reason = new string?[n];
        var actor = new string[n];
        var attempt = new int[n];
        var ticks = new long[n];
        var offset = new short[n];
        var correlation = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var t = transitions[i];
            (workflow[i], task[i], from[i], to[i], trigger[i]) = (t.WorkflowId, t.TaskId, t.From.ToWireName(), t.To.ToWireName(), t.Trigger.ToWireName());
            (reason[i], actor[i], attempt[i], ticks[i], offset[i], correlation[i]) = (t.Reason, t.Actor, t.Attempt, t.Timestamp.UtcTicks, (short)t.Timestamp.Offset.TotalMinutes, t.CorrelationId);
        }

        return BatchCommand(
            database.Sql("""
                INSERT INTO {schema}.transitions (workflow_id, task_id, from_state, to_state, trigger_name, reason, actor, attempt, at_ticks, at_offset, correlation_id)
                SELECT w, t, f, o, g, r, a, n, k, s, c FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::integer[], $9::bigint[], $10::smallint[], $11::text[])
                    WITH ORDINALITY AS u(w, t, f, o, g, r, a, n, k, s, c, i) ORDER BY i
                """),
            workflow, task, from, to, trigger, reason, actor, attempt, ticks, offset, correlation);
    }

    private NpgsqlBatchCommand EventRows(List<AgentManagerEvent> events)
    {
        var n = events.Count;
        var workflow = new string[n];
        var type = new string[n];
        var task = new string?[n];
        var reason = new string?[n];
        var ticks = new long[n];
        var offset = new short[n];
        var correlation = new string?[n];
        var from = new string?[n];
        var to = new string?[n];
        var trigger = new string?[n];
        var actor = new string?[n];
        var attempt = new int?[n];
        var details = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var e = events[i];
            var transition = (e as TaskEvent)?.Transition;
            (workflow[i], type[i], task[i], reason[i]) = (e.WorkflowId, e.Type, EventLog.TaskIdOf(e), EventLog.ReasonOf(e));
            (ticks[i], offset[i], correlation[i]) = (e.Timestamp.UtcTicks, (short)e.Timestamp.Offset.TotalMinutes, e.CorrelationId);
            (from[i], to[i], trigger[i], actor[i], attempt[i]) = (transition?.From.ToWireName(), transition?.To.ToWireName(), transition?.Trigger.ToWireName(), transition?.Actor, transition?.Attempt);
            details[i] = EventDetails.Of(e);
        }

        return BatchCommand(
            database.Sql("""
                INSERT INTO {schema}.events (workflow_id, type, task_id, reason, at_ticks, at_offset, correlation_id, from_state, to_state, trigger_name, actor, attempt, details)
                SELECT w, y, t, r, k, s, c, f, o, g, a, n, d FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::smallint[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::integer[], $13::text[])
                    WITH ORDINALITY AS u(w, y, t, r, k, s, c, f, o, g, a, n, d, i) ORDER BY i
                """),
            workflow, type, task, reason, ticks, offset, correlation, from, to, trigger, actor, attempt, details);
    }

    private const string WorkflowInsert = """
        INSERT INTO {schema}.workflows (workflow_id, name, status, reason, created_ticks, created_offset, started_ticks, started_offset, finished_ticks, finished_offset,
            work_root, metadata, input_tokens, output_tokens, cost, lease_owner, lease_expires_ticks, lease_expires_offset, fencing_token)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14, $15, $16, $17, $18, $19)
        """;

    // The lease columns are the lease methods' and the commit's release: an upsert of the record leaves them alone.
    private const string WorkflowConflict = """

        ON CONFLICT (workflow_id) DO UPDATE SET name = excluded.name, status = excluded.status, reason = excluded.reason,
            started_ticks = excluded.started_ticks, started_offset = excluded.started_offset,
            finished_ticks = excluded.finished_ticks, finished_offset = excluded.finished_offset,
            work_root = excluded.work_root, metadata = excluded.metadata,
            input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, cost = excluded.cost
        """;

    private const string DecisionInsert = """
        INSERT INTO {schema}.human_decisions (decision_id, workflow_id, task_id, action, actor, reason, status, outcome, requested_ticks, requested_offset, resolved_ticks, resolved_offset, correlation_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        """;

    private const string DecisionConflict = """

        ON CONFLICT (decision_id) DO UPDATE SET status = excluded.status, outcome = excluded.outcome,
            resolved_ticks = excluded.resolved_ticks, resolved_offset = excluded.resolved_offset
        """;

    private static object?[] WorkflowValues(WorkflowRecord w) =>
    [
        w.WorkflowId, w.Name, w.Status.ToWireName(), w.Reason,
        w.CreatedAt.UtcTicks, PostgresTime.Offset(w.CreatedAt), PostgresTime.Ticks(w.StartedAt), PostgresTime.Offset(w.StartedAt),
        PostgresTime.Ticks(w.FinishedAt), PostgresTime.Offset(w.FinishedAt), w.WorkRoot, PostgresRows.Json(w.Metadata),
        w.Usage.InputTokens, w.Usage.OutputTokens, w.Usage.Cost, w.LeaseOwner, PostgresTime.Ticks(w.LeaseExpiresAt), PostgresTime.Offset(w.LeaseExpiresAt), w.FencingToken,
    ];

    private static object?[] DecisionValues(HumanDecisionRecord d) =>
    [
        d.DecisionId, d.WorkflowId, d.TaskId, d.Action.ToWireName(), d.Actor, d.Reason, DecisionStatusNames.ToName(d.Status), d.Outcome,
        d.RequestedAt.UtcTicks, PostgresTime.Offset(d.RequestedAt), PostgresTime.Ticks(d.ResolvedAt), PostgresTime.Offset(d.ResolvedAt), d.CorrelationId,
    ];
}
