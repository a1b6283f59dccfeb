using AgentManager.Agents;

namespace AgentManager.Tests.Agents;

public sealed class FrontMatterTests
{
    [Fact]
    public void TryParse_JsonThenBody_SplitsThem()
    {
        var text = "---\n{\"name\": \"x\",\n \"n\": 1}\n---\n\nFirst paragraph.\n\nSecond.\n\n";

        Assert.True(FrontMatter.TryParse(text, out var document, out var body, out var error), error);
        using (document)
        {
            Assert.Equal("x", document.RootElement.GetProperty("name").GetString());
        }

        Assert.Equal("First paragraph.\n\nSecond.", body);
    }

    [Fact]
    public void TryParse_CrLfBomAndTrailingSpaces_Accepted()
    {
        var text = "\uFEFF--- \r\n{\"name\": \"x\"}\r\n---\t\r\nBody line\r\n";

        Assert.True(FrontMatter.TryParse(text, out var document, out var body, out _));
        document.Dispose();
        Assert.Equal("Body line", body);
    }

    [Fact]
    public void TryParse_NoBody_EmptyBody()
    {
        Assert.True(FrontMatter.TryParse("---\n{}\n---", out var document, out var body, out _));
        document.Dispose();
        Assert.Equal("", body);
    }

    [Theory]
    [InlineData("# Title\n{}\n---\n", "line 1: the file must start with a line '---'")]
    [InlineData("", "line 1: the file must start with a line '---'")]
    [InlineData("---\n{\"a\": 1}\n", "the front matter opened on line 1 has no closing '---' line")]
    [InlineData("---\n---\nbody", "line 2, column 1: malformed JSON front matter")]
    [InlineData("---\n{\n  \"a\": 1,\n  \"b\" 2\n}\n---\n", "line 4, column 7: malformed JSON front matter")]
    [InlineData("---\n[1, 2]\n---\n", "line 2: the front matter must be a JSON object, not an array")]
    public void TryParse_Malformed_ExplainsWithLine(string text, string expected)
    {
        Assert.False(FrontMatter.TryParse(text, out var document, out _, out var error));
        Assert.Null(document);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error, StringComparison.Ordinal);
    }
}
