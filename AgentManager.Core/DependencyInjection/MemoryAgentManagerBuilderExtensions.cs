using AgentManager.Memory;
using AgentManager.Memory.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers agent memory: working memory, task history and long-term semantic memory.</summary>
public static class MemoryAgentManagerBuilderExtensions
{
    /// <summary>Registers agent memory with in-memory storage and, unless an
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of <see cref="string"/> to
    /// <see cref="Embedding{T}"/> of <see cref="float"/> is registered (before or after this call), the offline
    /// <see cref="HashingEmbeddingGenerator"/>. Registers <see cref="IWorkingMemory"/>, <see cref="ITaskHistory"/>,
    /// <see cref="IVectorIndex"/>, <see cref="SemanticMemory"/> and <see cref="TaskOutcomeMemory"/> as singletons,
    /// each only when none is registered yet; calling it again adds only the configuration.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options; runs when the options are first read, after earlier configurations.</param>
    /// <returns>The builder.</returns>
    public static IAgentManagerBuilder AddAgentMemory(this IAgentManagerBuilder builder, Action<AgentMemoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(AgentMemoryMarker)))
        {
            services.AddSingleton<AgentMemoryMarker>();
            services.AddOptions<AgentMemoryOptions>().ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentMemoryOptions>, AgentMemoryOptionsValidator>());
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp =>
            new HashingEmbeddingGenerator(sp.GetRequiredService<IOptions<AgentMemoryOptions>>().Value.EmbeddingDimensions));
        services.TryAddSingleton<IVectorIndex, InMemoryVectorIndex>();
        services.TryAddSingleton<ITaskHistory, InMemoryTaskHistory>();
        services.TryAddSingleton<IWorkingMemory>(sp => new InMemoryWorkingMemory(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new SemanticMemory(
            sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(),
            sp.GetRequiredService<IVectorIndex>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new TaskOutcomeMemory(
            sp.GetRequiredService<SemanticMemory>(),
            sp.GetRequiredService<ITaskHistory>(),
            sp.GetRequiredService<IOptions<AgentMemoryOptions>>().Value));
        return builder;
    }

    /// <summary>Registers agent memory (as <see cref="AddAgentMemory"/> does) and keeps its vector index, task
    /// history and working memory in one SQLite file (WAL mode) of its own, so a restart finds them again.
    /// Replaces any index, history or working memory registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the file path and the busy timeout.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The path is blank.</exception>
    public static IAgentManagerBuilder UseSqliteMemory(this IAgentManagerBuilder builder, Action<SqliteMemoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new SqliteMemoryOptions();
        configure?.Invoke(options);
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw new ArgumentException("SqliteMemoryOptions.Path is blank; it must name the database file.", nameof(configure));
        }

        builder.AddAgentMemory();
        var services = builder.Services;
        services.Replace(ServiceDescriptor.Singleton(_ => new SqliteMemoryDatabase(options)));
        services.Replace(ServiceDescriptor.Singleton<IVectorIndex>(sp => new SqliteVectorIndex(sp.GetRequiredService<SqliteMemoryDatabase>())));
        services.Replace(ServiceDescriptor.Singleton<ITaskHistory>(sp => new SqliteTaskHistory(sp.GetRequiredService<SqliteMemoryDatabase>())));
        services.Replace(ServiceDescriptor.Singleton<IWorkingMemory>(sp => new SqliteWorkingMemory(sp.GetRequiredService<SqliteMemoryDatabase>(), sp.GetRequiredService<TimeProvider>())));
        return builder;
    }

    private sealed class AgentMemoryMarker;
}
