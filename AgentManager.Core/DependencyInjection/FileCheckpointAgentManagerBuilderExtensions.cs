using AgentManager.Persistence.Checkpoints;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Selects the file-system checkpoint store.</summary>
public static class FileCheckpointAgentManagerBuilderExtensions
{
    /// <summary>Keeps each task attempt's agent output, verification output and declared artifacts in
    /// files under a root directory (by default <c>agentmanager-data/checkpoints</c>), outside the state
    /// database. Replaces any checkpoint store registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the root directory and the per-entry size limit.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The root directory is blank or the size limit negative.</exception>
    public static IAgentManagerBuilder UseFileCheckpoints(this IAgentManagerBuilder builder, Action<FileCheckpointStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new FileCheckpointStoreOptions();
        configure?.Invoke(options);
        FileCheckpointStore.Validate(options);
        builder.Services.Replace(ServiceDescriptor.Singleton<ICheckpointStore>(sp =>
            new FileCheckpointStore(options, sp.GetService<TimeProvider>() ?? TimeProvider.System)));
        return builder;
    }
}
