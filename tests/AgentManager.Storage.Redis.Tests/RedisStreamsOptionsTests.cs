using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Storage.Redis.Tests;

public sealed class RedisStreamsOptionsTests
{
    private static ArgumentException Refused(Action<RedisStreamsOptions> configure) =>
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddAgentManager().UseRedisStreams(o =>
        {
            o.Configuration = "localhost:6379";
            configure(o);
        }));

    [Theory]
    [InlineData("", "NodeId", "'' is not a node id")]
    [InlineData("node a", "NodeId", "'node a' is not a node id")]
    [InlineData("nøde", "NodeId", "'nøde' is not a node id")]
    public void ABadNodeId_IsRefusedNamingIt(string nodeId, string param, string message)
    {
        var ex = Refused(o => o.NodeId = nodeId);

        Assert.Equal(param, ex.ParamName);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANodeIdOf201Characters_IsRefused() =>
        Assert.Equal("NodeId", Refused(o => o.NodeId = new string('n', 201)).ParamName);

    [Fact]
    public void EachBadValue_IsRefusedNamingTheOptionTheValueAndTheRule()
    {
        Assert.Contains("MaxDeliveries 0 is outside 1 to 1000", Refused(o => o.MaxDeliveries = 0).Message, StringComparison.Ordinal);
        Assert.Contains("BatchSize 10001 is outside 1 to 10000", Refused(o => o.BatchSize = 10_001).Message, StringComparison.Ordinal);
        Assert.Contains("MaxLength 0 is less than 1", Refused(o => o.MaxLength = 0).Message, StringComparison.Ordinal);
        Assert.Contains("ClaimIdleTime 00:00:00.0010000 is outside", Refused(o => o.ClaimIdleTime = TimeSpan.FromMilliseconds(1)).Message, StringComparison.Ordinal);
        Assert.Contains("PollInterval 00:00:00 is outside", Refused(o => o.PollInterval = TimeSpan.Zero).Message, StringComparison.Ordinal);
        Assert.Contains("StreamKey ' ' is not a stream key", Refused(o => o.StreamKey = " ").Message, StringComparison.Ordinal);
        Assert.Contains("is the event stream itself", Refused(o => (o.StreamKey, o.DeadLetterStreamKey) = ("s", "s")).Message, StringComparison.Ordinal);
        Assert.Contains("Configuration is blank", Refused(o => o.Configuration = " ").Message, StringComparison.Ordinal);
        Assert.Contains("Configuration 'localhost,nonsense=1' is not a StackExchange.Redis configuration string", Refused(o => o.Configuration = "localhost,nonsense=1").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDefaults_AreValid_AndTheDefaultNodeIdIsUniquePerOptions()
    {
        var first = new RedisStreamsOptions { Configuration = "localhost" };
        var second = new RedisStreamsOptions();

        first.Validate();
        Assert.NotEqual(first.NodeId, second.NodeId);
        Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), first.NodeId, StringComparison.Ordinal);
        Assert.Equal("agentmanager:events", first.StreamKey);
        Assert.Equal("agentmanager:events:dead", first.EffectiveDeadLetterStreamKey);
        Assert.Equal((5, 100_000L, TimeSpan.FromSeconds(30), 100), (first.MaxDeliveries, first.MaxLength!.Value, first.ClaimIdleTime, first.BatchSize));
    }

    [Fact]
    public void ARefusedCall_RegistersNothing()
    {
        var services = new ServiceCollection();
        var builder = services.AddAgentManager();
        var before = services.Count;

        Assert.Throws<ArgumentException>(() => builder.UseRedisStreams(o => o.MaxDeliveries = -1));

        Assert.Equal(before, services.Count);
    }
}
