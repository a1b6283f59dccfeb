using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Tests.Persistence;

public sealed class TaskStateChangeTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(2));

    private static TaskRecord Stored() => new()
    {
        WorkflowId = "wf-1",
        TaskId = "t0",
        Ordinal = 3,
        Title = "build",
        State = TaskState.Pending,
        Priority = 5,
        AgentId = "worker",
        Dependencies = ["a"],
        Resources = ["model:x"],
        Workdir = "/w",
    };

    /// <summary>A store that keeps whole records gets the same record from a change as from the record it was made of.</summary>
    [Fact]
    public void OfThenApplyTo_GivesTheNewRecord_KeepingTheFieldsOfTheStoredOne()
    {
        var stored = Stored();
        var next = stored with
        {
            State = TaskState.Implementing,
            Attempt = 2,
            LastError = "boom",
            LastOutput = "tail",
            StartedAt = At,
            Level = RepairLevel.Repair,
            LevelAttempts = 1,
            CurrentAgentId = "fixer",
            Usage = new AgentUsage { InputTokens = 3 },
            LeaseOwner = "engine-a",
            LeaseExpiresAt = At.AddMinutes(1),
            FencingToken = 4,
        };

        Assert.Equal(next, TaskStateChange.Of(next).ApplyTo(stored));
        Assert.Equal(next, TaskStateChange.Of(next).ApplyTo(stored with { Title = "build" }));
    }

    /// <summary>A change carries its task's ordinal (where a store may look first), and applying it never moves the task.</summary>
    [Fact]
    public void Of_CarriesTheOrdinal_AndApplyTo_KeepsTheStoredOne()
    {
        var change = TaskStateChange.Of(Stored() with { State = TaskState.Ready });

        Assert.Equal(3, change.Ordinal);
        Assert.Equal(3, (change with { Ordinal = 9 }).ApplyTo(Stored()).Ordinal);
    }

    [Fact]
    public void ApplyTo_AnotherTasksRecordOrWithoutIds_IsRefused()
    {
        var change = TaskStateChange.Of(Stored() with { State = TaskState.Ready });

        var other = Assert.Throws<ArgumentException>(() => change.ApplyTo(Stored() with { TaskId = "t9" }));
        var otherWorkflow = Assert.Throws<ArgumentException>(() => change.ApplyTo(Stored() with { WorkflowId = "wf-2" }));
        Assert.Throws<ArgumentException>(() => default(TaskStateChange).ApplyTo(Stored()));
        Assert.Throws<ArgumentNullException>(() => change.ApplyTo(null!));
        Assert.Throws<ArgumentNullException>(() => TaskStateChange.Of(null!));

        Assert.Contains("'t9'", other.Message, StringComparison.Ordinal);
        Assert.Contains("'wf-2'", otherWorkflow.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyTo_WithoutUsage_ReadsAsZero()
    {
        var change = TaskStateChange.Of(Stored()) with { Usage = null };

        Assert.Equal(AgentUsage.Zero, change.ApplyTo(Stored() with { Usage = new AgentUsage { OutputTokens = 9 } }).Usage);
    }
}
