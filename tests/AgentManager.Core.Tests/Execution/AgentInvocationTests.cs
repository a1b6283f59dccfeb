using AgentManager.Execution;

namespace AgentManager.Tests.Execution;

public sealed class AgentInvocationTests
{
    [Fact]
    public void Constructor_RequiredOnly_HasDefaults()
    {
        var invocation = new AgentInvocation { WorkflowId = "wf", TaskId = "t", AgentId = "a" };

        Assert.Equal("", invocation.Prompt);
        Assert.Equal(1, invocation.Attempt);
        Assert.Empty(invocation.Metadata);
        Assert.Null(invocation.Title);
        Assert.Null(invocation.Workdir);
        Assert.Null(invocation.PreviousError);
    }

    [Fact]
    public void Attempt_Zero_ThrowsOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AgentInvocation { WorkflowId = "wf", TaskId = "t", AgentId = "a", Attempt = 0 });

    [Fact]
    public void TaskId_Null_ThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>(() => new AgentInvocation { WorkflowId = "wf", TaskId = null!, AgentId = "a" });

    [Fact]
    public void Prompt_Null_ThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>(() => new AgentInvocation { WorkflowId = "wf", TaskId = "t", AgentId = "a", Prompt = null! });
}
