using AgentManager.Agents;

namespace AgentManager.Tests.Agents;

public sealed class BuiltInTemplatesTests
{
    [Fact]
    public void Skills_TheThreeBuiltIns()
    {
        Assert.Equal(["task-planning", "code-review", "sandbox-execution"], BuiltInTemplates.Skills.Select(skill => skill.Name));
        Assert.All(BuiltInTemplates.Skills, skill =>
        {
            Assert.NotEmpty(skill.Prompt);
            Assert.NotEmpty(skill.Description);
            Assert.Equal(SkillTemplate.DefaultVersion, skill.Version);
        });
    }

    [Fact]
    public void McpServers_FilesystemAndEventBus_ProcessServers()
    {
        Assert.Equal(["filesystem", "event-bus"], BuiltInTemplates.McpServers.Select(server => server.Name));
        Assert.All(BuiltInTemplates.McpServers, server =>
        {
            Assert.NotEmpty(server.Command);
            Assert.Null(server.Url);
            Assert.NotEmpty(server.Prompt);
        });
    }
}
