using AgentManager.Events;
using AgentManager.Schedules;

namespace AgentManager.Tests.Events;

public sealed class ScheduleEventTests
{
    [Theory]
    [InlineData(EventTypes.ScheduleFired)]
    [InlineData(EventTypes.ScheduleSkipped)]
    [InlineData(EventTypes.SchedulePaused)]
    [InlineData(EventTypes.ScheduleResumed)]
    [InlineData(EventTypes.ScheduleFailed)]
    public void Constructor_ScheduleType_CarriesTheScheduleAsItsWorkflowId(string type)
    {
        var e = new ScheduleEvent(type, "nightly", EventTestKit.Epoch) { SkipReason = ScheduleSkipReason.Overlap, RunWorkflowId = "nightly-20250101T000000Z" };

        Assert.Equal((type, "nightly", "nightly"), (e.Type, e.ScheduleId, e.WorkflowId));
        Assert.StartsWith("schedule_", e.Type, StringComparison.Ordinal);
        Assert.True(new EventFilter(types: ["schedule_*"]).Matches(e));
    }

    [Theory]
    [InlineData(EventTypes.WorkflowCreated)]
    [InlineData("schedule_exploded")]
    public void Constructor_OtherType_IsRefusedListingTheScheduleTypes(string type)
    {
        var exception = Assert.Throws<ArgumentException>(() => new ScheduleEvent(type, "nightly", EventTestKit.Epoch));

        Assert.Contains("schedule_fired, schedule_skipped, schedule_paused, schedule_resumed, schedule_failed", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidScheduleId_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new ScheduleEvent(EventTypes.ScheduleFired, "no spaces", EventTestKit.Epoch));
}
