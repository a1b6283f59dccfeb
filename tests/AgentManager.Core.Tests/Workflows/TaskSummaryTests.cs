using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Workflows;

namespace AgentManager.Tests.Workflows;

/// <summary>A task summary gives back every value it was made with, those few tasks have (another agent, a human
/// deadline) included, in any order of initialization; what it was not given reads as its default.</summary>
public sealed class TaskSummaryTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 10, 0, 0, TimeSpan.FromHours(2));

    [Fact]
    public void Summary_WithOnlyTheRequiredValues_ReadsTheDefaultsOfTheOthers()
    {
        var summary = new TaskSummary { TaskId = "t", State = TaskState.Completed, Attempts = 1 };

        Assert.Equal(("t", TaskState.Completed, 1, RepairLevel.Retry), (summary.TaskId, summary.State, summary.Attempts, summary.Level));
        Assert.Equal<object?>([null, null, null], [summary.LastError, summary.CurrentAgentId, summary.DeadlineAt]);
        Assert.Same(AgentUsage.Zero, summary.Usage);
    }

    [Fact]
    public void Summary_WithEveryValue_GivesEachBack()
    {
        var usage = new AgentUsage { InputTokens = 7 };
        var summary = new TaskSummary
        {
            DeadlineAt = At.AddHours(1),
            TaskId = "t",
            State = TaskState.BlockedHitl,
            Attempts = 3,
            CurrentAgentId = "manager",
            StartedAt = At,
            LastError = "boom",
            Level = RepairLevel.Human,
            Usage = usage,
        };

        Assert.Equal((TaskState.BlockedHitl, 3, RepairLevel.Human), (summary.State, summary.Attempts, summary.Level));
        Assert.Equal<object?>(["boom", "manager", At.AddHours(1), At, null], [summary.LastError, summary.CurrentAgentId, summary.DeadlineAt, summary.StartedAt, summary.FinishedAt]);
        Assert.Equal(TimeSpan.FromHours(2), summary.DeadlineAt!.Value.Offset);
        Assert.Same(usage, summary.Usage);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Summary_WithOneRareValue_LeavesTheOtherEmpty(bool agent)
    {
        var summary = agent
            ? new TaskSummary { TaskId = "t", State = TaskState.Implementing, Attempts = 1, CurrentAgentId = "repairer", Level = RepairLevel.Repair }
            : new TaskSummary { TaskId = "t", State = TaskState.BlockedHitl, Attempts = 1, DeadlineAt = At };

        Assert.Equal(agent ? "repairer" : null, summary.CurrentAgentId);
        Assert.Equal(agent ? null : At, summary.DeadlineAt);
        Assert.Null(summary.LastError);
    }

    [Fact]
    public void Summary_WithAStateOrLevelOutsideTheEnumsRange_IsRefusedNamingIt()
    {
        var state = Assert.Throws<ArgumentOutOfRangeException>(() => new TaskSummary { TaskId = "t", State = (TaskState)256, Attempts = 0 });
        var level = Assert.Throws<ArgumentOutOfRangeException>(() => new TaskSummary { TaskId = "t", State = TaskState.Pending, Attempts = 0, Level = (RepairLevel)(-1) });

        Assert.Equal(("State", "Level"), (state.ParamName, level.ParamName));
        Assert.Contains("256", state.Message, StringComparison.Ordinal);
    }
}
