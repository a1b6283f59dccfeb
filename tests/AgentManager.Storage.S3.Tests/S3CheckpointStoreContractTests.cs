using AgentManager.Persistence.Checkpoints;
using AgentManager.Tests.Persistence.Checkpoints;
using Microsoft.Extensions.Time.Testing;

namespace AgentManager.Storage.S3.Tests;

/// <summary>The shared checkpoint store contract against the S3 store on the S3 test server, with the SDK's
/// default client settings. One bucket per store.</summary>
/// <remarks>The emulator ignores <c>If-None-Match: *</c> on PUT, so <c>Save_SameAttemptConcurrently_StoresExactlyOne</c>
/// passes here through the store's own checks (the manifest looked for before the upload and again under a
/// per-attempt lock); the guarantee across processes, which rests on S3 enforcing the conditional PUT, cannot be
/// tested against this server.</remarks>
[Collection(S3ServerGroup.Name)]
public sealed class S3CheckpointStoreContractTests(S3ServerFixture server) : CheckpointStoreContractTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero));
    private readonly List<S3CheckpointStore> _stores = [];

    protected override async Task<ICheckpointStore> CreateStoreAsync(CancellationToken cancellationToken)
    {
        var bucket = await server.CreateBucketAsync();
        var store = new S3CheckpointStore(server.Client, ownsClient: false, new S3CheckpointStoreOptions { BucketName = bucket }, _time);
        _stores.Add(store);
        return store;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stores.ForEach(s => s.Dispose());
        }

        base.Dispose(disposing);
    }
}
