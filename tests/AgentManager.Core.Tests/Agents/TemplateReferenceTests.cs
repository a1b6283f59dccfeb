using AgentManager.Agents;

namespace AgentManager.Tests.Agents;

public sealed class TemplateReferenceTests
{
    [Fact]
    public void Constructor_Defaults_RequiredAnyVersion()
    {
        var reference = new TemplateReference(TemplateKind.Skill, "code-review");

        Assert.True(reference.Required);
        Assert.Null(reference.Version);
    }

    [Theory]
    [InlineData(TemplateKind.Skill, null, true, "skill 'x'")]
    [InlineData(TemplateKind.Mcp, "2.0.0", true, "MCP server 'x' (version 2.0.0)")]
    [InlineData(TemplateKind.Skill, "1", false, "skill 'x' (version 1, optional)")]
    [InlineData(TemplateKind.Mcp, null, false, "MCP server 'x' (optional)")]
    public void ToString_DescribesKindNameVersionAndRequired(TemplateKind kind, string? version, bool required, string expected) =>
        Assert.Equal(expected, new TemplateReference(kind, "x", version, required).ToString());
}
