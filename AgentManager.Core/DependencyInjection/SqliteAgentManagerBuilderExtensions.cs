using AgentManager.Persistence;
using AgentManager.Persistence.Sqlite;
using AgentManager.Plans;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Selects the embedded SQLite state store.</summary>
public static class SqliteAgentManagerBuilderExtensions
{
    /// <summary>Keeps workflows, tasks, transitions, the event log, schedules and task plans (every version)
    /// in one SQLite file (WAL mode), so a restart of the process finds them again. Replaces any
    /// <see cref="IStateStore"/> and <see cref="ITaskPlanStore"/> registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the file path and the busy timeout.</param>
    /// <returns>The builder.</returns>
    public static IAgentManagerBuilder UseSqliteStore(this IAgentManagerBuilder builder, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new SqliteStoreOptions();
        configure?.Invoke(options);
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw new ArgumentException("SqliteStoreOptions.Path is blank; it must name the database file.", nameof(configure));
        }

        builder.Services.Replace(ServiceDescriptor.Singleton<IStateStore>(_ => new SqliteStateStore(options)));
        builder.Services.Replace(ServiceDescriptor.Singleton<ITaskPlanStore>(_ => new SqliteTaskPlanStore(options)));
        return builder;
    }
}
