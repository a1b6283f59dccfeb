using AgentManager.Events;
using AgentManager.Hooks;

namespace AgentManager.Tests.Events;

public sealed class HookEventTests
{
    [Theory]
    [InlineData(EventTypes.HookSucceeded)]
    [InlineData(EventTypes.HookFailed)]
    public void Constructor_HookType_KeepsFields(string type)
    {
        var @event = new HookEvent(type, "wf-1", EventTestKit.Epoch, "notify", HookPoint.TaskBlocked)
        {
            ExitCode = 2,
            Duration = TimeSpan.FromSeconds(1),
            OutputTail = "tail",
            Reason = "why",
            TimedOut = true,
            AllowFailure = true,
        };

        Assert.Equal(type, @event.Type);
        Assert.Equal("wf-1", @event.WorkflowId);
        Assert.Equal("notify", @event.HookName);
        Assert.Equal(HookPoint.TaskBlocked, @event.Point);
        Assert.Equal(2, @event.ExitCode);
        Assert.Equal(TimeSpan.FromSeconds(1), @event.Duration);
        Assert.Equal("tail", @event.OutputTail);
        Assert.Equal("why", @event.Reason);
        Assert.True(@event.TimedOut);
        Assert.True(@event.AllowFailure);
        Assert.True(new EventFilter(types: ["hook_*"]).Matches(@event));
    }

    [Theory]
    [InlineData(EventTypes.TaskFailed)]
    [InlineData("hook_started")]
    public void Constructor_NotAHookType_ThrowsArgumentException(string type) =>
        Assert.Equal("type", Assert.Throws<ArgumentException>(() => new HookEvent(type, "wf-1", EventTestKit.Epoch, "h", HookPoint.TaskFailed)).ParamName);

    [Fact]
    public void Constructor_NullHookName_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new HookEvent(EventTypes.HookFailed, "wf-1", EventTestKit.Epoch, null!, HookPoint.TaskFailed));
}
