using AgentManager.Hooks;

namespace AgentManager.Tests.Hooks;

public sealed class HookPointNamesTests
{
    [Theory]
    [InlineData(HookPoint.BeforeTaskPlanConfirm, "before_task_plan_confirm", true)]
    [InlineData(HookPoint.AfterTaskPlanConfirm, "after_task_plan_confirm", false)]
    [InlineData(HookPoint.BeforeWorkflowRun, "before_workflow_run", true)]
    [InlineData(HookPoint.AfterWorkflowRun, "after_workflow_run", false)]
    [InlineData(HookPoint.TaskFailed, "task_failed", false)]
    [InlineData(HookPoint.TaskBlocked, "task_blocked", false)]
    public void ToWireName_EveryPoint_RoundTripsAndKnowsWhetherItBlocks(HookPoint point, string name, bool blocking)
    {
        Assert.Equal(name, point.ToWireName());
        Assert.True(HookPointNames.TryParse(name, out var parsed));
        Assert.Equal(point, parsed);
        Assert.Equal(blocking, point.IsBlocking());
    }

    [Fact]
    public void All_ListsEveryPointInEnumOrder() =>
        Assert.Equal(Enum.GetValues<HookPoint>().Select(point => point.ToWireName()), HookPointNames.All);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Task_Failed")]
    [InlineData("task-failed")]
    public void TryParse_UnknownName_IsFalse(string? name) => Assert.False(HookPointNames.TryParse(name, out _));

    [Fact]
    public void ToWireName_UndefinedValue_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ((HookPoint)99).ToWireName());
}
