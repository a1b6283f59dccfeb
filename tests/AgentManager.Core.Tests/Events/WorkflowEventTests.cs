using AgentManager.Events;

namespace AgentManager.Tests.Events;

public sealed class WorkflowEventTests
{
    [Theory]
    [InlineData(EventTypes.WorkflowCreated)]
    [InlineData(EventTypes.WorkflowStarted)]
    [InlineData(EventTypes.WorkflowCompleted)]
    [InlineData(EventTypes.WorkflowFailed)]
    [InlineData(EventTypes.WorkflowCancelled)]
    public void Constructor_WorkflowType_KeepsFields(string type)
    {
        var @event = new WorkflowEvent(type, "wf-1", EventTestKit.Epoch, "because");

        Assert.Equal(type, @event.Type);
        Assert.Equal("wf-1", @event.WorkflowId);
        Assert.Equal(EventTestKit.Epoch, @event.Timestamp);
        Assert.Equal("because", @event.Reason);
    }

    [Theory]
    [InlineData(EventTypes.TaskCompleted)]
    [InlineData("workflow_paused")]
    [InlineData("")]
    public void Constructor_NotAWorkflowType_ThrowsArgumentException(string type)
    {
        var ex = Assert.Throws<ArgumentException>(() => new WorkflowEvent(type, "wf-1", EventTestKit.Epoch));

        Assert.Equal("type", ex.ParamName);
    }

    [Fact]
    public void Constructor_InvalidWorkflowId_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => new WorkflowEvent(EventTypes.WorkflowStarted, "bad id", EventTestKit.Epoch));

    [Fact]
    public void With_PublishedEvent_CopyIsUnpublished()
    {
        var original = new WorkflowEvent(EventTypes.WorkflowStarted, "wf-1", EventTestKit.Epoch) { CorrelationId = "c" };
        original.Sequence = 5;

        var copy = original with { CorrelationId = "d" };

        Assert.Equal(0, copy.Sequence);
        Assert.Equal("d", copy.CorrelationId);
        Assert.Equal(original.Type, copy.Type);
        Assert.Equal(original.WorkflowId, copy.WorkflowId);
    }
}
