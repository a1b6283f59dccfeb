using AgentManager.Events;

namespace AgentManager.Tests.Events;

public sealed class AgentManagerEventTests
{
    [Theory]
    [InlineData("")]
    [InlineData("TaskDone")]
    [InlineData("task-done")]
    [InlineData("task__done")]
    [InlineData("_task")]
    [InlineData("task_*")]
    public void Constructor_TypeNotSnakeCase_ThrowsArgumentException(string kind)
    {
        var ex = Assert.Throws<ArgumentException>(() => new CustomEvent(kind));

        Assert.Equal("type", ex.ParamName);
    }

    [Fact]
    public void Constructor_SnakeCaseType_IsKept() => Assert.Equal("build_log_2", new CustomEvent("build_log_2").Type);

    [Fact]
    public void Origin_IsNullForALocalEvent_KeptByACopy_AndNotCompared()
    {
        var local = new CustomEvent("build_log");
        var received = new CustomEvent("build_log") { Origin = "node-b" };

        var copy = received with { };

        Assert.Null(local.Origin);
        Assert.Equal("node-b", received.Origin);
        Assert.Equal("node-b", copy.Origin);
        Assert.Null((received with { Origin = null }).Origin);
        Assert.Equal(local, received);
    }

    private sealed record CustomEvent(string Kind) : AgentManagerEvent(Kind, "wf-1", EventTestKit.Epoch);
}
