using AgentManager.Events;
using AgentManager.Tests.Workflows;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AgentManager.Storage.Redis.Tests;

[Collection(RedisTestGroup.Name)]
public sealed class RedisStreamsTransportTests(RedisServer redis)
{
    private Action<RedisStreamsOptions> Options(string stream, string nodeId, Action<RedisStreamsOptions>? more = null) => o =>
    {
        o.Configuration = redis.Configuration;
        o.StreamKey = stream;
        o.NodeId = nodeId;
        o.PollInterval = TimeSpan.FromMilliseconds(10);
        more?.Invoke(o);
    };

    [Fact]
    public async Task EveryEventRecord_PublishedOnA_ArrivesOnceOnBWithEveryValue_AndNeverComesBackToA()
    {
        var stream = RedisServer.NewStreamKey();
        await using var a = await RedisNode.StartAsync(Options(stream, "node-a"));
        await using var b = await RedisNode.StartAsync(Options(stream, "node-b"));
        var sent = SampleEvents.All("wf-1");

        foreach (var e in sent)
        {
            await a.Bus.PublishAsync(e);
        }

        // B answers after it has handled A's entries: when A sees B's marker, any echo of A's events would have come first.
        await b.WaitForAsync(e => e.WorkflowId == "wf-1" && ReferenceEquals(e.GetType(), typeof(ScheduleEvent)) && e.Type == EventTypes.SchedulePaused);
        await b.Bus.PublishAsync(new WorkflowEvent(EventTypes.WorkflowCreated, "marker", DateTimeOffset.UnixEpoch));
        await a.WaitForAsync(e => e.WorkflowId == "marker");

        var received = b.Seen.Where(e => e.WorkflowId == "wf-1").ToList();
        Assert.Equal(sent.Count, received.Count);
        for (var i = 0; i < sent.Count; i++)
        {
            SampleEvents.AssertSame(sent[i], received[i]);
            Assert.NotSame(sent[i], received[i]);
        }

        Assert.Equal([.. sent], a.Seen.Where(e => e.WorkflowId == "wf-1"));
        Assert.Single(a.Seen, e => e.WorkflowId == "marker");
        Assert.Single(b.Seen, e => e.WorkflowId == "marker");
        Assert.Equal(sent.Count + 1, await redis.Database.StreamLengthAsync(stream));
        await StreamProbe.WaitUntilAsync(async () => await StreamProbe.PendingAsync(redis.Database, stream, "node-a") == 0 && await StreamProbe.PendingAsync(redis.Database, stream, "node-b") == 0, "every entry acknowledged by both groups");
    }

    [Fact]
    public async Task ThreeNodes_EachEventReachesEveryOtherNode()
    {
        var stream = RedisServer.NewStreamKey();
        await using var a = await RedisNode.StartAsync(Options(stream, "node-a"));
        await using var b = await RedisNode.StartAsync(Options(stream, "node-b"));
        await using var c = await RedisNode.StartAsync(Options(stream, "node-c"));

        await a.Bus.PublishAsync(new WorkflowEvent(EventTypes.WorkflowStarted, "from-a", DateTimeOffset.UnixEpoch));
        await b.Bus.PublishAsync(new WorkflowEvent(EventTypes.WorkflowStarted, "from-b", DateTimeOffset.UnixEpoch));

        foreach (var (node, other) in new[] { (a, "from-b"), (b, "from-a"), (c, "from-a"), (c, "from-b") })
        {
            await node.WaitForAsync(e => e.WorkflowId == other);
        }
    }

    [Fact]
    public async Task AnEventClassOfTheHost_StaysOnItsNode_WithAWarning()
    {
        var stream = RedisServer.NewStreamKey();
        await using var a = await RedisNode.StartAsync(Options(stream, "node-a"));
        await using var b = await RedisNode.StartAsync(Options(stream, "node-b"));

        await a.Bus.PublishAsync(new CustomEvent("custom", DateTimeOffset.UnixEpoch));
        await a.Bus.PublishAsync(new CustomEvent("custom", DateTimeOffset.UnixEpoch));
        await a.Bus.PublishAsync(new WorkflowEvent(EventTypes.WorkflowCreated, "after", DateTimeOffset.UnixEpoch));
        await b.WaitForAsync(e => e.WorkflowId == "after");

        Assert.DoesNotContain(b.Seen, e => e.WorkflowId == "custom");
        Assert.Equal(1, await redis.Database.StreamLengthAsync(stream));
        var warning = Assert.Single(a.Logs.Entries, l => l.Id.Name == "RedisUnknownEventClass");
        Assert.Contains(typeof(CustomEvent).FullName!, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEngineRunOnA_ShowsItsTaskAndWorkflowEventsOnB()
    {
        var stream = RedisServer.NewStreamKey();
        await using var a = await RedisNode.StartAsync(Options(stream, "node-a"));
        await using var b = await RedisNode.StartAsync(Options(stream, "node-b"));
        var workflow = new WorkflowDefinition { DefaultAgentId = "agent" };
        workflow.Tasks.Add(EngineFixture.Task("build"));
        workflow.Tasks.Add(EngineFixture.Task("test", "build"));

        var summary = await a.Services.GetRequiredService<IWorkflowEngine>().RunAsync(workflow, CancellationToken.None);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        await b.WaitForAsync(e => e.WorkflowId == summary.WorkflowId && e.Type == EventTypes.WorkflowCompleted);
        var completed = b.Seen.OfType<TaskEvent>().Where(e => e.WorkflowId == summary.WorkflowId && e.Type == EventTypes.TaskCompleted).Select(e => e.TaskId);
        Assert.Equal(["build", "test"], completed);
        // B's bus saw A's events in A's order: the same types, one by one.
        Assert.Equal(
            a.Seen.Where(e => e.WorkflowId == summary.WorkflowId).Select(e => e.Type),
            b.Seen.Where(e => e.WorkflowId == summary.WorkflowId).Select(e => e.Type));
    }

    [Fact]
    public async Task WithoutAConfiguration_UsesTheMultiplexerOfTheServiceProvider_AndLeavesItOpen()
    {
        var stream = RedisServer.NewStreamKey();
        await using var multiplexer = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        await using var a = await RedisNode.StartAsync(Options(stream, "node-a"));
        var b = await RedisNode.StartAsync(
            o => (o.StreamKey, o.NodeId, o.PollInterval) = (stream, "node-b", TimeSpan.FromMilliseconds(10)),
            s => s.AddSingleton<IConnectionMultiplexer>(multiplexer));

        await a.Bus.PublishAsync(new WorkflowEvent(EventTypes.WorkflowCreated, "wf", DateTimeOffset.UnixEpoch));
        await b.WaitForAsync(e => e.WorkflowId == "wf");
        await b.DisposeAsync();

        Assert.True(multiplexer.IsConnected);
        Assert.True(await multiplexer.GetDatabase().PingAsync() >= TimeSpan.Zero);
    }

    [Fact]
    public void WithoutAConfigurationOrAMultiplexer_ResolvingFailsSayingWhatToSet()
    {
        var collection = new ServiceCollection();
        collection.AddAgentManager().UseRedisStreams(o => o.NodeId = "node-a");
        using var provider = collection.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>().ToList());

        Assert.Contains("RedisStreamsOptions.Configuration", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IConnectionMultiplexer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTransport_StartsBeforeTheEngine_AndIsRegisteredOnce()
    {
        var collection = new ServiceCollection();
        collection.AddLogging();
        var builder = collection.AddAgentManager();
        builder.UseRedisStreams(o => o.Configuration = redis.Configuration);
        builder.UseRedisStreams(o => (o.Configuration, o.NodeId) = (redis.Configuration, "second"));
        await using var provider = collection.BuildServiceProvider();

        var hosted = provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>().ToList();

        Assert.IsType<RedisStreamsService>(hosted[0]);
        Assert.Single(hosted, h => h is RedisStreamsService);
    }
}
