using AgentManager.Memory;
using AgentManager.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps agent memory in PostgreSQL, next to the state store.</summary>
public static class PostgresMemoryAgentManagerBuilderExtensions
{
    /// <summary>Registers agent memory (as <c>AddAgentMemory()</c> does) and keeps its vector index, task history and
    /// working memory in the database and schema that <see cref="PostgresAgentManagerBuilderExtensions.UsePostgres(IAgentManagerBuilder, Action{PostgresStoreOptions})"/>
    /// configured, so that every host using that schema reads and writes one memory. Replaces any index, history or
    /// working memory registered before. The tables are created by the schema's migrations on first use. Searches are
    /// exact (the vectors of the records that pass the filter are scored in the process), which suits memories of
    /// up to some tens of thousands of records.</summary>
    /// <param name="builder">The builder, on which <c>UsePostgres</c> has already been called.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException"><c>UsePostgres</c> has not been called on the builder before.</exception>
    public static IAgentManagerBuilder UsePostgresMemory(this IAgentManagerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(PostgresDatabase)))
        {
            throw new InvalidOperationException(
                "UsePostgresMemory() keeps agent memory in the PostgreSQL database and schema of UsePostgres(), which has not been called on this builder; call UsePostgres(...) first.");
        }

        builder.AddAgentMemory();
        services.Replace(ServiceDescriptor.Singleton<IVectorIndex>(sp => new PostgresVectorIndex(sp.GetRequiredService<PostgresDatabase>())));
        services.Replace(ServiceDescriptor.Singleton<ITaskHistory>(sp => new PostgresTaskHistory(sp.GetRequiredService<PostgresDatabase>())));
        services.Replace(ServiceDescriptor.Singleton<IWorkingMemory>(sp => new PostgresWorkingMemory(sp.GetRequiredService<PostgresDatabase>(), sp.GetRequiredService<TimeProvider>())));
        return builder;
    }
}
