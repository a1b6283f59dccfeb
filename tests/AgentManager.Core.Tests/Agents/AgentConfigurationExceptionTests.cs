using AgentManager.Agents;

namespace AgentManager.Tests.Agents;

public sealed class AgentConfigurationExceptionTests
{
    [Fact]
    public void Constructor_OneError_MessageQuotesIt()
    {
        var exception = new AgentConfigurationException(["a.md: layer: bad"]);

        Assert.Equal("Agent configuration is invalid: a.md: layer: bad", exception.Message);
        Assert.IsAssignableFrom<AgentManagerException>(exception);
    }

    [Fact]
    public void Constructor_SeveralErrors_MessageListsEach()
    {
        var exception = new AgentConfigurationException(["one", "two"]);

        Assert.Equal("Agent configuration has 2 errors:\n- one\n- two", exception.Message);
        Assert.Equal(["one", "two"], exception.Errors);
    }

    [Fact]
    public void Constructor_NoErrors_ThrowsArgument() =>
        Assert.Throws<ArgumentException>(() => new AgentConfigurationException([]));
}
