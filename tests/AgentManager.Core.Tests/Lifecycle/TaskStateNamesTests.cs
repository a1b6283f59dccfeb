using AgentManager.Lifecycle;

namespace AgentManager.Tests.Lifecycle;

public sealed class TaskStateNamesTests
{
    public static TheoryData<TaskState> AllStates() => [.. Enum.GetValues<TaskState>()];

    public static TheoryData<TaskTrigger> AllTriggers() => [.. Enum.GetValues<TaskTrigger>()];

    [Theory]
    [MemberData(nameof(AllStates))]
    public void ToWireName_EveryState_RoundTripsThroughTryParseState(TaskState state)
    {
        Assert.True(TaskStateNames.TryParseState(state.ToWireName(), out var parsed));
        Assert.Equal(state, parsed);
    }

    [Theory]
    [MemberData(nameof(AllTriggers))]
    public void ToWireName_EveryTrigger_RoundTripsThroughTryParseTrigger(TaskTrigger trigger)
    {
        Assert.True(TaskStateNames.TryParseTrigger(trigger.ToWireName(), out var parsed));
        Assert.Equal(trigger, parsed);
    }

    [Fact]
    public void ToWireName_AllValues_AreDistinctSnakeCase()
    {
        var names = Enum.GetValues<TaskState>().Select(s => s.ToWireName())
            .Concat(Enum.GetValues<TaskTrigger>().Select(t => t.ToWireName()))
            .ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, name => Assert.Matches("^[a-z]+(_[a-z]+)*$", name));
    }

    [Theory]
    [InlineData(TaskState.BlockedHitl, "blocked_hitl")]
    [InlineData(TaskState.BlockedRepair, "blocked_repair")]
    [InlineData(TaskState.Pending, "pending")]
    public void ToWireName_State_IsSnakeCase(TaskState state, string expected) => Assert.Equal(expected, state.ToWireName());

    [Theory]
    [InlineData(TaskTrigger.DependenciesMet, "dependencies_met")]
    [InlineData(TaskTrigger.HumanComplete, "human_complete")]
    [InlineData(TaskTrigger.ImplementationSucceeded, "implementation_succeeded")]
    public void ToWireName_Trigger_IsSnakeCase(TaskTrigger trigger, string expected) => Assert.Equal(expected, trigger.ToWireName());

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Pending")]
    [InlineData("BlockedHitl")]
    [InlineData("blocked-hitl")]
    [InlineData(" ready")]
    public void TryParseState_UnknownName_ReturnsFalse(string? value) => Assert.False(TaskStateNames.TryParseState(value, out _));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("HumanComplete")]
    [InlineData("human complete")]
    public void TryParseTrigger_UnknownName_ReturnsFalse(string? value) => Assert.False(TaskStateNames.TryParseTrigger(value, out _));

    [Fact]
    public void ToWireName_UndefinedValue_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((TaskState)99).ToWireName());
        Assert.Throws<ArgumentOutOfRangeException>(() => ((TaskTrigger)99).ToWireName());
    }

    [Fact]
    public void IsTerminal_AllStates_OnlyCompletedFailedCancelled()
    {
        var terminal = Enum.GetValues<TaskState>().Where(s => s.IsTerminal());

        Assert.Equal([TaskState.Completed, TaskState.Failed, TaskState.Cancelled], terminal);
    }
}
