using System.Text;
using Amazon.S3;
using AgentManager.Persistence.Checkpoints;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Storage.S3.Tests;

[Collection(S3ServerGroup.Name)]
public sealed class S3CheckpointRegistrationTests(S3ServerFixture server)
{
    [Fact]
    public async Task UseS3Checkpoints_WithTheContainersClient_ReplacesTheCheckpointStoreAndWorks()
    {
        var bucket = await server.CreateBucketAsync();
        using var shared = server.NewClient();
        var services = new ServiceCollection();
        services.AddSingleton(shared);
        services.AddAgentManager()
            .UseFileCheckpoints()
            .UseS3Checkpoints(o => o.BucketName = bucket);

        await using (var provider = services.BuildServiceProvider())
        {
            var store = provider.GetRequiredService<ICheckpointStore>();
            Assert.IsType<S3CheckpointStore>(store);
            await store.SaveAsync(new CheckpointWrite { WorkflowId = "wf-1", TaskId = "t1", Attempt = 1, AgentOutput = "via DI" }, CancellationToken.None);
            var record = await store.GetAsync("wf-1", "t1", 1, CancellationToken.None);
            await using var content = await store.OpenContentAsync(record!, CheckpointEntryNames.AgentOutput, CancellationToken.None);
            using var reader = new StreamReader(content, Encoding.UTF8);
            Assert.Equal("via DI", await reader.ReadToEndAsync());
            Assert.Single(services, d => d.ServiceType == typeof(ICheckpointStore));
        }

        // Disposing the container disposed the store, but not the client the store was given.
        Assert.Contains(bucket, (await shared.ListBucketsAsync()).Buckets.Select(b => b.BucketName));
    }

    [Fact]
    public async Task UseS3Checkpoints_WithAClientFactory_UsesItsClientAndDisposesItWithTheContainer()
    {
        var bucket = await server.CreateBucketAsync();
        var created = 0;
        IAmazonS3? client = null;
        var services = new ServiceCollection();
        services.AddAgentManager().UseS3Checkpoints(o =>
        {
            o.BucketName = bucket;
            o.KeyPrefix = "";
            o.ClientFactory = _ =>
            {
                created++;
                return client = server.NewClient();
            };
        });

        await using (var provider = services.BuildServiceProvider())
        {
            var store = provider.GetRequiredService<ICheckpointStore>();
            await store.SaveAsync(new CheckpointWrite { WorkflowId = "wf-1", TaskId = "t1", Attempt = 1 }, CancellationToken.None);
            Assert.Single(await store.ListAsync("wf-1", null, CancellationToken.None));
        }

        Assert.Equal(1, created);
        Assert.Contains("wf-1/t1/attempt-1/manifest.json", (await server.Client.ListObjectsV2Async(new() { BucketName = bucket })).S3Objects.Select(o => o.Key));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client!.ListBucketsAsync());
    }

    [Fact]
    public void UseS3Checkpoints_WithoutAClient_FailsOnResolveNamingWhatToRegister()
    {
        var services = new ServiceCollection();
        services.AddAgentManager().UseS3Checkpoints(o => o.BucketName = "checkpoints");
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ICheckpointStore>());

        Assert.Contains("UseS3Checkpoints() needs an IAmazonS3 service", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddAWSService<IAmazonS3>()", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", null, "BucketName is blank")]
    [InlineData("  ", null, "BucketName is blank")]
    [InlineData("ab", null, "BucketName 'ab' is not a bucket name: bucket names are 3 to 255 characters")]
    [InlineData("my/bucket", null, "BucketName 'my/bucket' is not a bucket name")]
    [InlineData("-bucket", null, "BucketName '-bucket' is not a bucket name")]
    [InlineData("bucket", "/checkpoints", "KeyPrefix '/checkpoints' is not a valid key prefix")]
    [InlineData("bucket", "checkpoints/", "KeyPrefix 'checkpoints/' is not a valid key prefix: it must be empty, or at most 256 characters")]
    [InlineData("bucket", "a//b", "KeyPrefix 'a//b' is not a valid key prefix")]
    [InlineData("bucket", "a/../b", "KeyPrefix 'a/../b' is not a valid key prefix")]
    [InlineData("bucket", "a b", "KeyPrefix 'a b' is not a valid key prefix")]
    [InlineData("bucket", "a\\b", "KeyPrefix 'a\\b' is not a valid key prefix")]
    public void UseS3Checkpoints_BadBucketOrPrefix_ThrowsAtRegistrationNamingTheValueAndRule(string bucket, string? prefix, string expected)
    {
        var builder = new ServiceCollection().AddAgentManager();

        var ex = Assert.Throws<ArgumentException>(() => builder.UseS3Checkpoints(o =>
        {
            o.BucketName = bucket;
            o.KeyPrefix = prefix ?? o.KeyPrefix;
        }));

        Assert.Contains("S3CheckpointStoreOptions." + expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1L, 1000, 4, "MaxEntryBytes is -1; it must be from 0 to 5368709120")]
    [InlineData(5L * 1024 * 1024 * 1024 + 1, 1000, 4, "MaxEntryBytes is 5368709121")]
    [InlineData(0L, 0, 4, "ListPageSize is 0; it must be from 1 to 1000")]
    [InlineData(0L, 1001, 4, "ListPageSize is 1001")]
    [InlineData(0L, 1, 0, "MaxConcurrentRequests is 0; it must be from 1 to 64")]
    public void UseS3Checkpoints_LimitsOutOfRange_ThrowNamingTheValueAndRange(long maxEntryBytes, int pageSize, int concurrency, string expected)
    {
        var builder = new ServiceCollection().AddAgentManager();

        var ex = Assert.Throws<ArgumentException>(() => builder.UseS3Checkpoints(o =>
        {
            o.BucketName = "bucket";
            o.MaxEntryBytes = maxEntryBytes;
            o.ListPageSize = pageSize;
            o.MaxConcurrentRequests = concurrency;
        }));

        Assert.Contains("S3CheckpointStoreOptions." + expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseS3Checkpoints_ValidEdgeValues_AreAccepted()
    {
        var builder = new ServiceCollection().AddAgentManager();

        builder.UseS3Checkpoints(o =>
        {
            o.BucketName = "Legacy_Bucket.name-1";
            o.KeyPrefix = "";
            o.MaxEntryBytes = 0;
            o.ListPageSize = 1;
        });
        builder.UseS3Checkpoints(o =>
        {
            o.BucketName = "abc";
            o.KeyPrefix = "env-1/agent.manager/(checkpoints)";
        });

        Assert.Throws<ArgumentNullException>(() => builder.UseS3Checkpoints(null!));
    }
}
