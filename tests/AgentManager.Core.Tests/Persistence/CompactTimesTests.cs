using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;

namespace AgentManager.Tests.Persistence;

/// <summary>Times that summaries and the in-memory store keep in compact form come back exactly as given: the same
/// instant and the same offset, unset ones as <see langword="null"/>, the extremes included.</summary>
public sealed class CompactTimesTests
{
    public static TheoryData<DateTimeOffset> Times() =>
    [
        new DateTimeOffset(2026, 12, 7, 8, 9, 10, 123, TimeSpan.FromHours(5.5)).AddTicks(4567),
        new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(-8)),
        new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(1, 1, 1, 14, 0, 0, TimeSpan.FromHours(14)),
        new DateTimeOffset(9999, 12, 31, 9, 59, 59, TimeSpan.FromHours(-14)),
        DateTimeOffset.MinValue,
        DateTimeOffset.MaxValue,
    ];

    [Theory]
    [MemberData(nameof(Times))]
    public void TaskSummary_GivesBackEachTimeWithItsOffset(DateTimeOffset time)
    {
        var started = new TaskSummary { TaskId = "t", State = TaskState.Implementing, Attempts = 1, StartedAt = time };
        var finished = new TaskSummary { TaskId = "t", State = TaskState.Completed, Attempts = 1, FinishedAt = time };
        var blocked = new TaskSummary { TaskId = "t", State = TaskState.BlockedHitl, Attempts = 1, DeadlineAt = time };

        AssertExact(time, started.StartedAt);
        Assert.Null(started.FinishedAt);
        Assert.Null(started.DeadlineAt);
        AssertExact(time, finished.FinishedAt);
        Assert.Null(finished.StartedAt);
        AssertExact(time, blocked.DeadlineAt);
        Assert.Null(blocked.StartedAt);
    }

    [Fact]
    public void TaskSummary_WithoutTimes_HasNoneAndNoDuration()
    {
        var summary = new TaskSummary { TaskId = "t", State = TaskState.Pending, Attempts = 0 };

        Assert.Equal((null, null, null, TimeSpan.Zero), (summary.StartedAt, summary.FinishedAt, summary.DeadlineAt, summary.Duration));
    }

    [Fact]
    public void TaskSummary_Duration_IsFinishMinusStart_AcrossOffsets()
    {
        var start = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.FromHours(2));
        var summary = new TaskSummary
        {
            TaskId = "t",
            State = TaskState.Completed,
            Attempts = 1,
            StartedAt = start,
            FinishedAt = start.ToOffset(TimeSpan.FromHours(-3)).AddSeconds(90),
        };

        Assert.Equal(TimeSpan.FromSeconds(90), summary.Duration);
    }

    [Theory]
    [MemberData(nameof(Times))]
    public async Task InMemoryStore_GivesBackRecordedAndChangedTimesWithTheirOffsets(DateTimeOffset time)
    {
        var store = new InMemoryStateStore();
        var other = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromMinutes(-150));
        var changes = new StateChanges();
        changes.Workflows.Add(new WorkflowRecord { WorkflowId = "wf-1", Status = WorkflowStatus.Running, CreatedAt = other, WorkRoot = "/runs/wf-1" });
        changes.Tasks.Add(new TaskRecord
        {
            WorkflowId = "wf-1",
            TaskId = "t0",
            Ordinal = 0,
            State = TaskState.BlockedHitl,
            StartedAt = time,
            FinishedAt = other,
            DeadlineAt = time,
            LeaseExpiresAt = other,
        });
        await store.CommitAsync(changes, CancellationToken.None);

        var recorded = Assert.Single(await store.GetTasksAsync("wf-1", CancellationToken.None));
        var summarized = Assert.Single(store.SummarizeTasks("wf-1"));

        AssertExact(time, recorded.StartedAt);
        AssertExact(other, recorded.FinishedAt);
        AssertExact(time, recorded.DeadlineAt);
        AssertExact(other, recorded.LeaseExpiresAt);
        AssertExact(time, summarized.StartedAt);
        AssertExact(other, summarized.FinishedAt);
        AssertExact(time, summarized.DeadlineAt);

        changes = new StateChanges();
        changes.TaskChanges.Add(new TaskStateChange
        {
            WorkflowId = "wf-1",
            TaskId = "t0",
            State = TaskState.Completed,
            Attempt = 1,
            Level = RepairLevel.Retry,
            LevelAttempts = 1,
            StartedAt = other,
            FinishedAt = time,
        });
        await store.CommitAsync(changes, CancellationToken.None);

        var changed = Assert.Single(await store.GetTasksAsync("wf-1", CancellationToken.None));
        AssertExact(other, changed.StartedAt);
        AssertExact(time, changed.FinishedAt);
        Assert.Null(changed.DeadlineAt);
        Assert.Null(changed.LeaseExpiresAt);
        var summary = Assert.Single(store.SummarizeTasks("wf-1"));
        AssertExact(other, summary.StartedAt);
        AssertExact(time, summary.FinishedAt);
        Assert.Null(summary.DeadlineAt);
    }

    [Theory]
    [MemberData(nameof(Times))]
    public void TaskRecord_GivesBackEachTimeWithItsOffset_AlsoThroughWith(DateTimeOffset time)
    {
        var record = Record() with { StartedAt = time, FinishedAt = time, DeadlineAt = time, LeaseExpiresAt = time };
        var copy = record with { Attempt = 2 };

        foreach (var read in new[] { record, copy })
        {
            AssertExact(time, read.StartedAt);
            AssertExact(time, read.FinishedAt);
            AssertExact(time, read.DeadlineAt);
            AssertExact(time, read.LeaseExpiresAt);
        }

        var cleared = copy with { DeadlineAt = null, LeaseExpiresAt = null };
        Assert.Equal((null, null), (cleared.DeadlineAt, cleared.LeaseExpiresAt));
        AssertExact(time, cleared.StartedAt);
    }

    [Fact]
    public void TaskRecord_Equality_ComparesTimesAsInstants_AndEveryOtherValue()
    {
        var time = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.FromHours(2));
        var record = Record() with { StartedAt = time, DeadlineAt = time };
        var sameInstant = Record() with { StartedAt = time.ToOffset(TimeSpan.FromHours(-5)), DeadlineAt = time.ToUniversalTime() };

        Assert.Equal(record, sameInstant);
        Assert.Equal(record.GetHashCode(), sameInstant.GetHashCode());
        Assert.True(record == sameInstant);
        Assert.NotEqual(record, record with { StartedAt = time.AddTicks(1) });
        Assert.NotEqual(record, record with { DeadlineAt = null });
        Assert.NotEqual(record, record with { FinishedAt = time });
        Assert.NotEqual(record, record with { LeaseExpiresAt = time });
        Assert.NotEqual(record, record with { LastOutput = "tail" });
        Assert.NotEqual(record, record with { FencingToken = 3 });
        Assert.NotEqual(record, record with { Dependencies = ["a"] });
        Assert.False(record.Equals(null));
    }

    /// <summary>The equality of <see cref="TaskRecord"/> is written by hand; a property added to the record but not
    /// to <c>Equals</c> would make two different records equal. Every settable property is changed in turn.</summary>
    [Fact]
    public void TaskRecord_Equality_SeesEveryProperty()
    {
        var record = Record();
        var properties = typeof(TaskRecord).GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance)
            .Where(p => p.SetMethod is not null)
            .ToList();
        Assert.True(properties.Count >= 20, $"found only {properties.Count} properties");
        foreach (var property in properties)
        {
            var changed = record with { };
            property.SetValue(changed, Different(property.PropertyType, property.GetValue(record)));
            Assert.False(record.Equals(changed), $"TaskRecord.Equals does not compare {property.Name}");
        }

        static object Different(Type type, object? value) => type switch
        {
            _ when type == typeof(string) => value + "x",
            _ when type == typeof(int) => (int)value! + 1,
            _ when type == typeof(long) => (long)value! + 1,
            _ when type == typeof(DateTimeOffset?) => ((DateTimeOffset?)value ?? DateTimeOffset.UnixEpoch).AddTicks(1),
            _ when type == typeof(IReadOnlyList<string>) => new[] { "other" },
            _ when type == typeof(TaskState) => (TaskState)value! == TaskState.Ready ? TaskState.Completed : TaskState.Ready,
            _ when type == typeof(RepairLevel) => (RepairLevel)value! == RepairLevel.Retry ? RepairLevel.Escalation : RepairLevel.Retry,
            _ when type == typeof(AgentManager.Execution.AgentUsage) => new AgentManager.Execution.AgentUsage { InputTokens = 1 },
            _ => throw new InvalidOperationException($"No different value known for a {type} property; extend this test."),
        };
    }

    private static TaskRecord Record() => new()
    {
        WorkflowId = "wf-1",
        TaskId = "t0",
        Ordinal = 0,
        State = TaskState.Pending,
        AgentId = "worker",
    };

    private static void AssertExact(DateTimeOffset expected, DateTimeOffset? actual)
    {
        Assert.NotNull(actual);
        Assert.True(expected.EqualsExact(actual.Value), $"expected {expected:O}, got {actual.Value:O}");
    }
}
