using AgentManager.Events;
using StackExchange.Redis;

namespace AgentManager.Storage.Redis.Tests;

/// <summary>What happens to an entry that is not acknowledged: redelivery after a restart, takeover from a dead
/// consumer, the dead-letter stream.</summary>
[Collection(RedisTestGroup.Name)]
public sealed class RedisStreamsDeliveryTests(RedisServer redis)
{
    private Action<RedisStreamsOptions> Options(string stream, string nodeId, Action<RedisStreamsOptions>? more = null) => o =>
    {
        o.Configuration = redis.Configuration;
        o.StreamKey = stream;
        o.NodeId = nodeId;
        o.PollInterval = TimeSpan.FromMilliseconds(10);
        more?.Invoke(o);
    };

    private static WorkflowEvent Event(string workflowId) => new(EventTypes.WorkflowCreated, workflowId, DateTimeOffset.UnixEpoch);

    /// <summary>An entry as another node's transport writes it.</summary>
    private static NameValueEntry[] Entry(AgentManagerEvent e, string origin = "node-x")
    {
        Assert.True(EventCodec.TryEncode(e, out var kind, out var json));
        return [new("v", "1"), new("origin", origin), new("kind", kind), new("type", e.Type), new("data", json)];
    }

    [Fact]
    public async Task ANodeStoppedBeforeItAcknowledged_GetsTheEntryAgainWhenItRestartsWithTheSameNodeId()
    {
        var stream = RedisServer.NewStreamKey();
        await using var a = await RedisNode.StartAsync(Options(stream, "node-a"));
        // B's local subscriber takes one event and then hangs, and every queue holds one event: B's publish of A's
        // third event waits, so that entry is read but cannot be acknowledged.
        using var hang = new SemaphoreSlim(0);
        var b = await RedisNode.StartAsync(Options(stream, "node-b"), agentManager: o => o.EventSubscriberCapacity = 1);
        var stuck = b.Bus.Subscribe(new EventFilter("wf"), async (_, token) => await hang.WaitAsync(token));

        foreach (var workflowId in new[] { "wf", "wf", "wf" })
        {
            await a.Bus.PublishAsync(Event(workflowId));
        }

        await StreamProbe.WaitUntilAsync(async () => await redis.Database.StreamLengthAsync(stream) == 3, "A forwarded its three events");
        var third = (await redis.Database.StreamRangeAsync(stream))[2].Id;
        await StreamProbe.WaitUntilAsync(
            async () => (await redis.Database.StreamPendingMessagesAsync(stream, "node-b", 10, "node-b")).Any(p => p.MessageId == third),
            "B has read the third entry");
        await b.StopAsync();
        hang.Release(10);
        await stuck.DisposeAsync();
        await b.DisposeAsync();
        Assert.True(await StreamProbe.PendingAsync(redis.Database, stream, "node-b") >= 1);

        await using var restarted = await RedisNode.StartAsync(Options(stream, "node-b"));

        Assert.Contains(restarted.Seen, e => e.WorkflowId == "wf"); // handled before Ready completed
        Assert.Equal(0, await StreamProbe.PendingAsync(redis.Database, stream, "node-b"));
    }

    [Fact]
    public async Task APendingEntryTrimmedFromTheStream_IsAcknowledgedWithoutAnEvent()
    {
        var stream = RedisServer.NewStreamKey();
        var database = redis.Database;
        await database.StreamCreateConsumerGroupAsync(stream, "node-b", StreamPosition.NewMessages, createStream: true);
        await database.StreamAddAsync(stream, Entry(Event("trimmed")));
        Assert.Single(await database.StreamReadGroupAsync(stream, "node-b", "node-b", StreamPosition.NewMessages));
        await database.StreamTrimAsync(stream, 0);

        await using var b = await RedisNode.StartAsync(Options(stream, "node-b"));

        Assert.Equal(0, await StreamProbe.PendingAsync(database, stream, "node-b"));
        Assert.DoesNotContain(b.Seen, e => e.WorkflowId == "trimmed");
        Assert.Equal(0, await database.StreamLengthAsync(stream + ":dead"));
    }

    [Fact]
    public async Task AnEntryLeftByADeadConsumerOfTheGroup_IsTakenOverAfterClaimIdleTime()
    {
        var stream = RedisServer.NewStreamKey();
        var database = redis.Database;
        await database.StreamCreateConsumerGroupAsync(stream, "node-b", StreamPosition.NewMessages, createStream: true);
        var id = await database.StreamAddAsync(stream, Entry(Event("orphan")));
        // A consumer of B's group (an earlier process under another consumer name) took it and died.
        Assert.Single(await database.StreamReadGroupAsync(stream, "node-b", "dead-consumer", StreamPosition.NewMessages));

        await using var b = await RedisNode.StartAsync(Options(stream, "node-b", o => o.ClaimIdleTime = TimeSpan.FromMilliseconds(200)));

        var received = await b.WaitForAsync(e => e.WorkflowId == "orphan");
        Assert.Equal(EventTypes.WorkflowCreated, received.Type);
        await StreamProbe.WaitUntilAsync(async () => await StreamProbe.PendingAsync(database, stream, "node-b") == 0, "the claimed entry acknowledged");
        Assert.Equal(0, await database.StreamLengthAsync(stream + ":dead"));
        _ = id;
    }

    [Fact]
    public async Task AnEntryDeliveredMoreThanMaxDeliveries_GoesToTheDeadLetterStreamAndIsAcknowledged()
    {
        var stream = RedisServer.NewStreamKey();
        var database = redis.Database;
        await database.StreamCreateConsumerGroupAsync(stream, "node-b", StreamPosition.NewMessages, createStream: true);
        var id = await database.StreamAddAsync(stream, Entry(Event("cursed")));
        await database.StreamReadGroupAsync(stream, "node-b", "dead-consumer", StreamPosition.NewMessages);
        // It has been delivered three times already; the takeover is the fourth, one more than allowed.
        await database.ExecuteAsync("XCLAIM", stream, "node-b", "dead-consumer", 0, id, "RETRYCOUNT", 3);

        await using var b = await RedisNode.StartAsync(Options(stream, "node-b", o =>
        {
            o.ClaimIdleTime = TimeSpan.FromMilliseconds(50);
            o.MaxDeliveries = 3;
        }));

        await StreamProbe.WaitUntilAsync(async () => await database.StreamLengthAsync(stream + ":dead") == 1, "one dead letter");
        var dead = Assert.Single(await database.StreamRangeAsync(stream + ":dead"));
        Assert.Equal(id, dead["dead_id"]);
        Assert.Equal("node-b", dead["dead_node"]);
        Assert.Equal(4, (long)dead["dead_deliveries"]);
        Assert.Contains("MaxDeliveries (3)", dead["dead_reason"].ToString(), StringComparison.Ordinal);
        Assert.Equal(Entry(Event("cursed"))[4].Value, dead["data"]);
        Assert.Equal(0, await StreamProbe.PendingAsync(database, stream, "node-b"));
        Assert.DoesNotContain(b.Seen, e => e.WorkflowId == "cursed");
        Assert.Contains(b.Logs.Entries, l => l.Id.Name == "RedisEntryDeadLettered" && l.Message.Contains(id.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task EntriesThatAreNotEvents_GoToTheDeadLetterStreamAtOnce_AndTheNextEventsStillArrive()
    {
        var stream = RedisServer.NewStreamKey();
        var database = redis.Database;
        await using var a = await RedisNode.StartAsync(Options(stream, "node-a"));
        await using var b = await RedisNode.StartAsync(Options(stream, "node-b", o => o.DeadLetterStreamKey = stream + ":poison"));
        var good = Entry(Event("x"));
        NameValueEntry[][] poison =
        [
            [good[0], good[1], good[2], good[3], new("data", "{not json")],
            [good[0], good[1], new("kind", "meteor_strike"), good[3], good[4]],
            [good[0], good[1], good[2], good[3], new("data", """{"type":"workflow_created","workflow_id":"bad id!","timestamp":"2026-01-01T00:00:00+00:00"}""")],
            [good[0], good[1], good[2], good[3], new("data", """{"type":"workflow_created","timestamp":"2026-01-01T00:00:00+00:00"}""")],
            [new("v", "9"), good[1], good[2], good[3], good[4]],
            [good[0], good[1], good[3]],
        ];
        var ids = new List<RedisValue>();
        foreach (var entry in poison)
        {
            ids.Add(await database.StreamAddAsync(stream, entry));
        }

        await a.Bus.PublishAsync(Event("after-poison"));

        await b.WaitForAsync(e => e.WorkflowId == "after-poison");
        var dead = await database.StreamRangeAsync(stream + ":poison");
        Assert.Equal(ids, dead.Select(d => d["dead_id"]));
        Assert.All(dead, d => Assert.Equal(1, (long)d["dead_deliveries"]));
        Assert.Contains("JSON", dead[0]["dead_reason"].ToString(), StringComparison.Ordinal);
        Assert.Contains("meteor_strike", dead[1]["dead_reason"].ToString(), StringComparison.Ordinal);
        Assert.Contains("bad id!", dead[2]["dead_reason"].ToString(), StringComparison.Ordinal);
        Assert.Contains("workflow_id", dead[3]["dead_reason"].ToString(), StringComparison.Ordinal);
        Assert.Contains("version '9'", dead[4]["dead_reason"].ToString(), StringComparison.Ordinal);
        Assert.Contains("no 'kind' field", dead[5]["dead_reason"].ToString(), StringComparison.Ordinal);
        Assert.Equal("{not json", dead[0]["data"]);
        Assert.DoesNotContain(b.Seen, e => e.WorkflowId == "x");
        await StreamProbe.WaitUntilAsync(async () => await StreamProbe.PendingAsync(database, stream, "node-b") == 0, "every entry acknowledged");
        // Every node gets every entry: A gave up its own copies, in its own dead-letter stream.
        await StreamProbe.WaitUntilAsync(async () => await database.StreamLengthAsync(stream + ":dead") == poison.Length, "A's dead letters");
        Assert.All(await database.StreamRangeAsync(stream + ":dead"), d => Assert.Equal("node-a", d["dead_node"]));
    }

    [Fact]
    public async Task RedisDownAtStart_IsLoggedAndRetried_AndTheNodeWorksOnceTheServerIsUp()
    {
        var port = RedisServer.FreePort();
        var stream = RedisServer.NewStreamKey();
        var configuration = $"127.0.0.1:{port},connectTimeout=500";
        // The hosts start while Redis is down; an event published meanwhile waits in the forwarder.
        await using var a = await RedisNode.StartAsync(o => (o.Configuration, o.StreamKey, o.NodeId, o.PollInterval) = (configuration, stream, "node-a", TimeSpan.FromMilliseconds(10)), waitUntilReady: false);
        await using var b = await RedisNode.StartAsync(o => (o.Configuration, o.StreamKey, o.NodeId, o.PollInterval) = (configuration, stream, "node-b", TimeSpan.FromMilliseconds(10)), waitUntilReady: false);
        await a.Bus.PublishAsync(Event("while-down"));
        await StreamProbe.WaitUntilAsync(() => Task.FromResult(a.Logs.Entries.Count(l => l.Id.Name == "RedisConnectFailed") >= 2), "A retried connecting");
        Assert.False(b.Transport.Ready.IsCompleted);

        await using var server = await RedisProcess.StartAsync(port);
        await using (var direct = await ConnectionMultiplexer.ConnectAsync(configuration))
        {
            // B's group reads from the start of the stream, whoever gets there first.
            await direct.GetDatabase().StreamCreateConsumerGroupAsync(stream, "node-b", "0", createStream: true);
        }

        await b.WaitForAsync(e => e.WorkflowId == "while-down");
        await a.Transport.Ready.WaitAsync(RedisNode.Patience);
        await a.Bus.PublishAsync(Event("when-up"));
        await b.WaitForAsync(e => e.WorkflowId == "when-up");
        Assert.Contains(a.Logs.Entries, l => l.Id.Name == "RedisConnectFailed" && l.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Contains(a.Logs.Entries, l => l.Id.Name == "RedisConnected");
    }

    /// <summary>The server goes away while both nodes run and comes back empty (no persistence): the nodes log the
    /// failures, reconnect, create their groups again, and events flow again.</summary>
    [Fact]
    public async Task RedisRestartedEmptyWhileNodesRun_IsLoggedAndRetried_AndEventsFlowAgain()
    {
        var port = RedisServer.FreePort();
        var stream = RedisServer.NewStreamKey();
        var configuration = $"127.0.0.1:{port},connectTimeout=500,asyncTimeout=1000";
        var server = await RedisProcess.StartAsync(port);
        await using var a = await RedisNode.StartAsync(o => (o.Configuration, o.StreamKey, o.NodeId, o.PollInterval) = (configuration, stream, "node-a", TimeSpan.FromMilliseconds(10)));
        await using var b = await RedisNode.StartAsync(o => (o.Configuration, o.StreamKey, o.NodeId, o.PollInterval) = (configuration, stream, "node-b", TimeSpan.FromMilliseconds(10)));
        await a.Bus.PublishAsync(Event("before"));
        await b.WaitForAsync(e => e.WorkflowId == "before");

        await server.DisposeAsync();
        await a.Bus.PublishAsync(Event("during")); // may be lost with the empty server, or arrive
        await using var restarted = await RedisProcess.StartAsync(port);
        await using var direct = await ConnectionMultiplexer.ConnectAsync(configuration);
        await StreamProbe.WaitUntilAsync(
            async () => await direct.GetDatabase().KeyExistsAsync(stream)
                && (await direct.GetDatabase().StreamGroupInfoAsync(stream)).Any(g => g.Name == "node-b"),
            "B created its group again");
        await a.Bus.PublishAsync(Event("after"));

        await b.WaitForAsync(e => e.WorkflowId == "after");
        // At least the lost group (NOGROUP) was seen and logged.
        Assert.Contains(b.Logs.Entries, l => l.Id.Name == "RedisConsumeFailed");
    }

    [Fact]
    public async Task StoppingANode_FirstForwardsTheEventsItHadQueued()
    {
        var stream = RedisServer.NewStreamKey();
        await using var b = await RedisNode.StartAsync(Options(stream, "node-b"));
        var a = await RedisNode.StartAsync(Options(stream, "node-a", o => o.BatchSize = 7));
        for (var i = 0; i < 500; i++)
        {
            await a.Bus.PublishAsync(Event("burst-" + i));
        }

        await a.StopAsync();
        await a.DisposeAsync();

        await b.WaitForAsync(e => e.WorkflowId == "burst-499");
        Assert.Equal(Enumerable.Range(0, 500).Select(i => "burst-" + i), b.Seen.Select(e => e.WorkflowId));
        Assert.Equal(500, await redis.Database.StreamLengthAsync(stream));
    }

    [Fact]
    public async Task StoppingWhileRedisIsDown_EndsWhenTheHostsStopTimeoutEnds_AndLogsTheEventsGivenUp()
    {
        var configuration = $"127.0.0.1:{RedisServer.FreePort()},connectTimeout=200";
        await using var a = await RedisNode.StartAsync(o => (o.Configuration, o.StreamKey, o.NodeId) = (configuration, RedisServer.NewStreamKey(), "node-a"), waitUntilReady: false);
        await a.Bus.PublishAsync(Event("stranded-1"));
        await a.Bus.PublishAsync(Event("stranded-2"));

        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await a.StopAsync(timeout.Token);

        var given = a.Logs.Entries.Where(l => l.Id.Name == "RedisForwardAbandoned").Select(l => l.Message).ToList();
        Assert.Equal(2, given.Count);
        Assert.Contains("stranded-1", given[0], StringComparison.Ordinal);
        Assert.Contains("stranded-2", given[1], StringComparison.Ordinal);
    }
}
