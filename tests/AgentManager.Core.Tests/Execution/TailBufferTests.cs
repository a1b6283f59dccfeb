using AgentManager.Execution;
using CsCheck;

namespace AgentManager.Tests.Execution;

public sealed class TailBufferTests
{
    [Fact]
    public void ToString_WithinCapacity_ReturnsEverythingWithoutMarker()
    {
        var buffer = new TailBuffer(10);
        buffer.Append("hello");
        buffer.Append("world");

        Assert.Equal("helloworld", buffer.ToString());
    }

    [Fact]
    public void ToString_Overflow_KeepsTheTailAfterAMarker()
    {
        var buffer = new TailBuffer(4);
        buffer.Append("abc");
        buffer.Append("defg");

        Assert.Equal("[... 3 characters truncated]\ndefg", buffer.ToString());
    }

    [Fact]
    public void ToString_TailStartsInsideASurrogatePair_DropsTheOrphanHalf()
    {
        var buffer = new TailBuffer(2);
        buffer.Append("a😀b");

        Assert.Equal("[... 3 characters truncated]\nb", buffer.ToString());
    }

    [Fact]
    public void Append_TenMillionCharacters_NeverHoldsMoreThanTheCapacity()
    {
        var buffer = new TailBuffer(1000);
        var chunk = new string('z', 4096);
        for (var i = 0; i < 2500; i++)
        {
            buffer.Append(chunk);
        }

        Assert.Equal(1000, buffer.AllocatedLength);
        Assert.Equal($"[... {(2500 * 4096) - 1000} characters truncated]\n" + new string('z', 1000), buffer.ToString());
    }

    [Fact]
    public void Append_AnyChunks_MatchesTheTailOfTheConcatenation()
    {
        var chunks = Gen.String["abcdefgh"].Array[0, 12];

        Gen.Select(Gen.Int[1, 20], chunks).Sample((capacity, parts) =>
        {
            var buffer = new TailBuffer(capacity);
            foreach (var part in parts)
            {
                buffer.Append(part);
            }

            var all = string.Concat(parts);
            var expected = all.Length <= capacity
                ? all
                : $"[... {all.Length - capacity} characters truncated]\n{all[^capacity..]}";
            Assert.Equal(expected, buffer.ToString());
            Assert.True(buffer.AllocatedLength <= capacity);
        });
    }
}
