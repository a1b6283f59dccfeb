using System.Globalization;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace AgentManager.Storage.Redis;

/// <summary>Settings of the Redis Streams event transport (<c>UseRedisStreams()</c>).</summary>
public sealed partial class RedisStreamsOptions
{
    /// <summary>The stream used when <see cref="StreamKey"/> is not set.</summary>
    public const string DefaultStreamKey = "agentmanager:events";

    /// <summary>Gets or sets the StackExchange.Redis configuration string, such as <c>localhost:6379</c> or
    /// <c>redis1:6379,redis2:6379,password=…</c>; the transport then opens and owns its own connection. Leave it unset to
    /// use the <see cref="IConnectionMultiplexer"/> registered in the service provider, which the transport never disposes.</summary>
    public string? Configuration { get; set; }

    /// <summary>Gets or sets the stream that carries the events; every node that should see the others' events uses the same one.</summary>
    /// <value>The default is <c>agentmanager:events</c>; not blank, at most 512 characters.</value>
    public string StreamKey { get; set; } = DefaultStreamKey;

    /// <summary>Gets or sets the stream that receives the entries this node gives up on (see <see cref="MaxDeliveries"/>).</summary>
    /// <value>The default, when <see langword="null"/>, is <see cref="StreamKey"/> followed by <c>:dead</c>. It must differ from <see cref="StreamKey"/>.</value>
    public string? DeadLetterStreamKey { get; set; }

    /// <summary>Gets or sets this node's name: the origin written with the events it publishes, and the name of its
    /// consumer group and consumer. Each process needs a name of its own; give a process the same name after a restart
    /// to have the entries it had not acknowledged delivered again.</summary>
    /// <value>The default is the machine name, the process id and a random suffix (so a restart is a new node). Letters,
    /// digits, <c>.</c>, <c>_</c>, <c>:</c> and <c>-</c>, 1 to 200 characters.</value>
    public string NodeId { get; set; } = DefaultNodeId();

    /// <summary>Gets or sets how many times an entry may be delivered to this node; an entry delivered once more (its
    /// local publish kept failing, or the consumers that took it died) goes to the dead-letter stream instead.</summary>
    /// <value>The default is 5; 1 to 1000.</value>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>Gets or sets about how many entries the stream keeps: each write trims it to about this length
    /// (<c>XADD … MAXLEN ~</c>), or never when <see langword="null"/>. A node that is down longer than the stream takes
    /// to grow by this much misses the trimmed events.</summary>
    /// <value>The default is 100 000; at least 1 when set.</value>
    public long? MaxLength { get; set; } = 100_000;

    /// <summary>Gets or sets how long an entry stays delivered but unacknowledged before this node takes it over
    /// (<c>XAUTOCLAIM</c>) and handles it again; also how often the node looks for such entries.</summary>
    /// <value>The default is 30 seconds; from 10 milliseconds to 1 day.</value>
    public TimeSpan ClaimIdleTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many entries one read or claim takes.</summary>
    /// <value>The default is 100; 1 to 10 000.</value>
    public int BatchSize { get; set; } = 100;

    /// <summary>Gets or sets how long the node waits before reading again after a read found no new entry.</summary>
    /// <value>The default is 100 milliseconds; from 1 millisecond to 1 minute.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets the dead-letter stream in use: <see cref="DeadLetterStreamKey"/> or its default.</summary>
    internal string EffectiveDeadLetterStreamKey => DeadLetterStreamKey ?? StreamKey + ":dead";

    /// <summary>Throws when the options cannot work, naming the value and the rule.</summary>
    internal void Validate()
    {
        if (Configuration is not null)
        {
            if (string.IsNullOrWhiteSpace(Configuration))
            {
                throw new ArgumentException("RedisStreamsOptions.Configuration is blank; set a StackExchange.Redis configuration string such as 'localhost:6379', or leave it null to use the IConnectionMultiplexer of the service provider.", nameof(Configuration));
            }

            try
            {
                _ = ConfigurationOptions.Parse(Configuration);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"RedisStreamsOptions.Configuration '{Configuration}' is not a StackExchange.Redis configuration string: {ex.Message}", nameof(Configuration), ex);
            }
        }

        ThrowIfBadKey(StreamKey, nameof(StreamKey));
        if (DeadLetterStreamKey is not null)
        {
            ThrowIfBadKey(DeadLetterStreamKey, nameof(DeadLetterStreamKey));
        }

        if (string.Equals(EffectiveDeadLetterStreamKey, StreamKey, StringComparison.Ordinal))
        {
            throw new ArgumentException($"RedisStreamsOptions.DeadLetterStreamKey '{DeadLetterStreamKey}' is the event stream itself; the dead-letter stream must be another key.", nameof(DeadLetterStreamKey));
        }

        if (NodeId is null || !NodeIdPattern().IsMatch(NodeId))
        {
            throw new ArgumentException($"RedisStreamsOptions.NodeId '{NodeId}' is not a node id: use 1 to 200 letters, digits, '.', '_', ':' or '-'.", nameof(NodeId));
        }

        ThrowIfOutside(MaxDeliveries, 1, 1000, nameof(MaxDeliveries));
        ThrowIfOutside(BatchSize, 1, 10_000, nameof(BatchSize));
        if (MaxLength is < 1)
        {
            throw new ArgumentException($"RedisStreamsOptions.MaxLength {MaxLength} is less than 1; set at least 1, or null to never trim the stream.", nameof(MaxLength));
        }

        ThrowIfOutside(ClaimIdleTime, TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(1), nameof(ClaimIdleTime));
        ThrowIfOutside(PollInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1), nameof(PollInterval));
    }

    private static string DefaultNodeId()
    {
        var machine = NodeIdUnsafeCharacters().Replace(Environment.MachineName, "-");
        if (machine.Length > 100)
        {
            machine = machine[..100];
        }

        return string.Create(CultureInfo.InvariantCulture, $"{machine}-{Environment.ProcessId}-{Guid.NewGuid():N}");
    }

    private static void ThrowIfBadKey(string? key, string name)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > 512)
        {
            throw new ArgumentException($"RedisStreamsOptions.{name} '{key}' is not a stream key: it must not be blank and have at most 512 characters.", name);
        }
    }

    private static void ThrowIfOutside(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"RedisStreamsOptions.{name} {value} is outside {min} to {max}."), name);
        }
    }

    private static void ThrowIfOutside(TimeSpan value, TimeSpan min, TimeSpan max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"RedisStreamsOptions.{name} {value} is outside {min} to {max}."), name);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,200}$", RegexOptions.CultureInvariant)]
    private static partial Regex NodeIdPattern();

    [GeneratedRegex("[^A-Za-z0-9_.:-]", RegexOptions.CultureInvariant)]
    private static partial Regex NodeIdUnsafeCharacters();
}
