using AgentManager.Execution;

namespace AgentManager.Tests.Execution;

public sealed class OutputTailTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData(" \n \n", "")]
    [InlineData("one\ntwo\n\n", "one\ntwo")]
    public void Of_ShortText_TrimsTrailingBlankLines(string text, string expected) =>
        Assert.Equal(expected, OutputTail.Of(text));

    [Fact]
    public void Of_ManyLines_KeepsTheLastOnes()
    {
        var text = string.Join('\n', Enumerable.Range(1, 50));

        Assert.Equal(string.Join('\n', Enumerable.Range(31, 20)), OutputTail.Of(text));
    }

    [Fact]
    public void Of_HugeLine_KeepsTheLastCharacters() =>
        Assert.Equal(OutputTail.MaxChars, OutputTail.Of(new string('x', 100_000)).Length);
}
