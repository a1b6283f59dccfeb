using System.Text.Json;
using AgentManager.Persistence.Sqlite;
using AgentManager.Plans;
using Npgsql;
using static AgentManager.Storage.Postgres.PostgresCommands;

namespace AgentManager.Storage.Postgres;

/// <summary>The <see cref="ITaskPlanStore"/> on PostgreSQL: every version of every plan in the tables
/// <c>task_plans</c> and <c>task_plan_versions</c> of the state store's schema. Each write is one statement that
/// checks the version and stores the new one together, so hosts sharing the database never both win a version.</summary>
internal sealed class PostgresTaskPlanStore(PostgresDatabase database) : ITaskPlanStore
{
    // The plan row is written first; the version row only when it was (the CTE yields no row otherwise).
    // $1 to $7 are the version (see WriteAsync); adding a plan passes its creation time as $8 and $9.
    private const string VersionValues = """
        INSERT INTO {schema}.task_plan_versions (plan_id, version, status, confirmed_version, updated_ticks, updated_offset, body)
        SELECT plan_id, $2::integer, $3::text, $4::integer, $5::bigint, $6::smallint, $7::jsonb FROM written
        """;

    private readonly string _add = database.Sql("""
        WITH written AS (
            INSERT INTO {schema}.task_plans (plan_id, current_version, created_ticks, created_offset)
            VALUES ($1, $2, $8, $9) ON CONFLICT (plan_id) DO NOTHING RETURNING plan_id)
        """ + "\n" + VersionValues);

    // Under the row lock of the UPDATE, a concurrent writer of the same version re-reads the row and matches nothing.
    private readonly string _update = database.Sql("""
        WITH written AS (
            UPDATE {schema}.task_plans SET current_version = $2 WHERE plan_id = $1 AND current_version = $2 - 1
            RETURNING plan_id)
        """ + "\n" + VersionValues);

    private readonly string _currentVersion = database.Sql("SELECT current_version FROM {schema}.task_plans WHERE plan_id = $1");

    private readonly string _getCurrent = database.Sql(
        "SELECT v.body FROM {schema}.task_plan_versions v JOIN {schema}.task_plans p ON p.plan_id = v.plan_id WHERE v.plan_id = $1 AND v.version = p.current_version");

    private readonly string _getVersion = database.Sql("SELECT body FROM {schema}.task_plan_versions WHERE plan_id = $1 AND version = $2");

    private readonly string _list = database.Sql("""
        SELECT v.body FROM {schema}.task_plan_versions v JOIN {schema}.task_plans p ON p.plan_id = v.plan_id AND v.version = p.current_version
        ORDER BY p.created_ticks, p.plan_id COLLATE "C"
        """);

    private readonly string _delete = database.Sql("DELETE FROM {schema}.task_plans WHERE plan_id = $1");

    public async Task AddAsync(TaskPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            while (true)
            {
                if (await WriteAsync(connection, _add, plan, cancellationToken, plan.CreatedAt.UtcTicks, PostgresTime.Offset(plan.CreatedAt)).ConfigureAwait(false))
                {
                    return;
                }

                // Another plan holds the id; when it was deleted since, the id is free again: try once more.
                if (await CurrentVersionAsync(connection, plan.PlanId, cancellationToken).ConfigureAwait(false) is { } current)
                {
                    throw PlanStoreErrors.AlreadyExists(plan.PlanId, current);
                }
            }
        }
    }

    public async Task UpdateAsync(TaskPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            while (true)
            {
                if (await WriteAsync(connection, _update, plan, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                var current = await CurrentVersionAsync(connection, plan.PlanId, cancellationToken).ConfigureAwait(false)
                    ?? throw new PlanNotFoundException(plan.PlanId);
                if (plan.Version != current + 1)
                {
                    throw PlanStoreErrors.NotNextVersion(plan.PlanId, current, plan.Version);
                }

                // The plan was deleted and added again between the two statements, now at the version before this one.
            }
        }
    }

    public async Task<TaskPlan?> GetAsync(string planId, int? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(planId);
        var plans = version is { } number
            ? await ReadAsync(_getVersion, cancellationToken, planId, number).ConfigureAwait(false)
            : await ReadAsync(_getCurrent, cancellationToken, planId).ConfigureAwait(false);
        return plans.Count == 0 ? null : plans[0];
    }

    public async Task<IReadOnlyList<TaskPlan>> ListAsync(CancellationToken cancellationToken) =>
        (await ReadAsync(_list, cancellationToken).ConfigureAwait(false)).AsReadOnly();

    public async Task<bool> DeleteAsync(string planId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(planId);
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, _delete, planId);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <summary>Runs a statement that writes the plan row and, when that matched, the version row; true when it did.</summary>
    private static async Task<bool> WriteAsync(NpgsqlConnection connection, string sql, TaskPlan plan, CancellationToken cancellationToken, params object?[] more)
    {
        object?[] version =
        [
            plan.PlanId,
            plan.Version,
            plan.Status.ToWireName(),
            plan.ConfirmedVersion,
            plan.UpdatedAt.UtcTicks,
            PostgresTime.Offset(plan.UpdatedAt),
            JsonSerializer.Serialize(SqlitePlanJson.From(plan), SqlitePlanJsonContext.Default.SqlitePlanJson),
        ];
        using var command = Command(connection, sql, [.. version, .. more]);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task<int?> CurrentVersionAsync(NpgsqlConnection connection, string planId, CancellationToken cancellationToken)
    {
        using var command = Command(connection, _currentVersion, planId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int version ? version : null;
    }

    private async Task<List<TaskPlan>> ReadAsync(string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var command = Command(connection, sql, parameters);
            return await ReadAllAsync(
                command,
                reader => JsonSerializer.Deserialize(reader.GetString(0), SqlitePlanJsonContext.Default.SqlitePlanJson)!.ToPlan(),
                cancellationToken).ConfigureAwait(false);
        }
    }
}
