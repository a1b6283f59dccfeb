using Amazon.S3;
using AgentManager.Persistence.Checkpoints;
using AgentManager.Storage.S3;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Selects the S3 checkpoint store.</summary>
public static class S3CheckpointAgentManagerBuilderExtensions
{
    /// <summary>Keeps each task attempt's agent output, verification output and declared artifacts as
    /// objects in an S3 bucket (Amazon S3 or an S3-compatible store), outside the state database. Replaces
    /// any checkpoint store registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the bucket (required), key prefix, per-entry size limit and, when the
    /// container's <see cref="IAmazonS3"/> is not the client to use, <see cref="S3CheckpointStoreOptions.ClientFactory"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A setting breaks its rule (a blank or malformed bucket name, a key
    /// prefix with a leading or trailing <c>/</c>, a size limit out of range…); the message names the value
    /// and the rule. Thrown here, not when the store is first used.</exception>
    /// <remarks>Without <see cref="S3CheckpointStoreOptions.ClientFactory"/>, resolving the store needs an
    /// <see cref="IAmazonS3"/> service, e.g. from <c>AddAWSService&lt;IAmazonS3&gt;()</c> of
    /// AWSSDK.Extensions.NETCore.Setup; without one it fails naming what to register.</remarks>
    public static IAgentManagerBuilder UseS3Checkpoints(this IAgentManagerBuilder builder, Action<S3CheckpointStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new S3CheckpointStoreOptions();
        configure(options);
        S3CheckpointStore.Validate(options);
        builder.Services.Replace(ServiceDescriptor.Singleton<ICheckpointStore>(sp =>
        {
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            if (options.ClientFactory is { } factory)
            {
                var client = factory(sp) ?? throw new InvalidOperationException("S3CheckpointStoreOptions.ClientFactory returned null; it must return the IAmazonS3 client of the checkpoint store.");
                return new S3CheckpointStore(client, ownsClient: true, options, time);
            }

            var shared = sp.GetService<IAmazonS3>() ?? throw new InvalidOperationException(
                "UseS3Checkpoints() needs an IAmazonS3 service: register one (services.AddAWSService<IAmazonS3>() from AWSSDK.Extensions.NETCore.Setup, or services.AddSingleton<IAmazonS3>(new AmazonS3Client(...))), or set S3CheckpointStoreOptions.ClientFactory.");
            return new S3CheckpointStore(shared, ownsClient: false, options, time);
        }));
        return builder;
    }
}
