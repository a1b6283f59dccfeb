using AgentManager.Events;

namespace AgentManager.Tests.Events;

public sealed class TaskPlanEventTests
{
    [Theory]
    [InlineData(EventTypes.TaskPlanCreated)]
    [InlineData(EventTypes.TaskPlanUpdated)]
    [InlineData(EventTypes.TaskPlanConfirmed)]
    [InlineData(EventTypes.TaskPlanConfirmFailed)]
    [InlineData(EventTypes.TaskPlanDeleted)]
    public void Constructor_TaskPlanType_KeepsFields(string type)
    {
        var @event = new TaskPlanEvent(type, "plan-1", 3, EventTestKit.Epoch) { Reason = "why", Assignees = ["a", "b"] };

        Assert.Equal(type, @event.Type);
        Assert.Equal("plan-1", @event.PlanId);
        Assert.Equal("plan-1", @event.WorkflowId);
        Assert.Equal(3, @event.Version);
        Assert.Equal(EventTestKit.Epoch, @event.Timestamp);
        Assert.Equal("why", @event.Reason);
        Assert.Equal(["a", "b"], @event.Assignees);
        Assert.StartsWith("task_plan_", type, StringComparison.Ordinal);
        Assert.True(new EventFilter(types: ["task_plan_*"]).Matches(@event));
    }

    [Fact]
    public void Constructor_Defaults_NoReasonNoAssignees()
    {
        var @event = new TaskPlanEvent(EventTypes.TaskPlanCreated, "plan-1", 1, EventTestKit.Epoch);

        Assert.Null(@event.Reason);
        Assert.Empty(@event.Assignees);
    }

    [Theory]
    [InlineData(EventTypes.WorkflowCreated)]
    [InlineData("task_plan_paused")]
    [InlineData("")]
    public void Constructor_NotATaskPlanType_ThrowsArgumentException(string type) =>
        Assert.Equal("type", Assert.Throws<ArgumentException>(() => new TaskPlanEvent(type, "plan-1", 1, EventTestKit.Epoch)).ParamName);

    [Fact]
    public void Constructor_BadPlanIdOrVersion_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TaskPlanEvent(EventTypes.TaskPlanCreated, "bad id", 1, EventTestKit.Epoch));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TaskPlanEvent(EventTypes.TaskPlanCreated, "plan-1", 0, EventTestKit.Epoch));
    }
}
