using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Selects the PostgreSQL state store and task plan store.</summary>
public static class PostgresAgentManagerBuilderExtensions
{
    /// <summary>Keeps workflows, tasks, transitions, the event log, human decisions, schedules and task plans (every
    /// version) in PostgreSQL, so that a restart finds them again and several hosts using the same database and schema
    /// run one workload together (workflow leases with fencing tokens; a plan version is stored by one host only).
    /// Replaces any <see cref="IStateStore"/> and <see cref="ITaskPlanStore"/> registered before. The schema is
    /// created and migrated when the stores are first used.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">An Npgsql connection string, such as <c>Host=db;Username=app;Database=app</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The connection string is blank or malformed.</exception>
    public static IAgentManagerBuilder UsePostgres(this IAgentManagerBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        return builder.UsePostgres(o => o.ConnectionString = connectionString);
    }

    /// <summary>Keeps workflows, tasks, transitions, the event log, human decisions, schedules and task plans in PostgreSQL, as
    /// <see cref="UsePostgres(IAgentManagerBuilder, string)"/> does, with every setting of
    /// <see cref="PostgresStoreOptions"/>. With neither a connection string nor a data source, the store uses the
    /// <see cref="NpgsqlDataSource"/> of the service provider.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the connection string or data source and the schema.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and the rule.</exception>
    public static IAgentManagerBuilder UsePostgres(this IAgentManagerBuilder builder, Action<PostgresStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgresStoreOptions();
        configure(options);
        options.Validate();

        builder.Services.Replace(ServiceDescriptor.Singleton(sp => Open(sp, options)));
        builder.Services.Replace(ServiceDescriptor.Singleton<IStateStore>(sp => new PostgresStateStore(sp.GetRequiredService<PostgresDatabase>(), sp.GetService<ILogger<PostgresStateStore>>())));
        builder.Services.Replace(ServiceDescriptor.Singleton<ITaskPlanStore>(sp => new PostgresTaskPlanStore(sp.GetRequiredService<PostgresDatabase>())));
        return builder;
    }

    private static PostgresDatabase Open(IServiceProvider services, PostgresStoreOptions options)
    {
        var (dataSource, owned) = options switch
        {
            { DataSource: { } given } => (given, false),
            { ConnectionString: { } connectionString } => (NpgsqlDataSource.Create(connectionString), true),
            _ => (services.GetService<NpgsqlDataSource>() ?? throw new InvalidOperationException(
                "UsePostgres() was given no connection string or data source, and the service provider has no NpgsqlDataSource; set PostgresStoreOptions.ConnectionString, or register a data source (for example with AddNpgsqlDataSource)."), false),
        };
        return new PostgresDatabase(dataSource, options.Schema, owned)
        {
            CommitRetryTime = options.CommitRetryTime,
            ListenNotify = options.ListenNotify,
            Time = services.GetService<TimeProvider>() ?? TimeProvider.System,
        };
    }
}
