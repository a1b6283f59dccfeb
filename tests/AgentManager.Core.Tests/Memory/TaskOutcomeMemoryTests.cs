using AgentManager.Lifecycle;
using AgentManager.Memory;
using AgentManager.Persistence;
using Microsoft.Extensions.Time.Testing;

namespace AgentManager.Tests.Memory;

public sealed class TaskOutcomeMemoryTests
{
    private static readonly DateTimeOffset Finished = new(2026, 4, 5, 6, 7, 8, TimeSpan.Zero);

    private readonly InMemoryVectorIndex _index = new();
    private readonly InMemoryTaskHistory _history = new();
    private readonly SemanticMemory _memory;

    public TaskOutcomeMemoryTests() =>
        _memory = new SemanticMemory(new HashingEmbeddingGenerator(), _index, new FakeTimeProvider(Finished));

    private static TaskOutcome Repaired() => new()
    {
        WorkflowId = "nightly",
        TaskId = "build",
        AgentId = "coder",
        Title = "Build the solution",
        Prompt = "Run dotnet build and fix any compile error.",
        Status = TaskState.Completed,
        Attempts = 2,
        Output = "Build succeeded. 0 warnings.",
        Error = "dotnet build failed: Program.cs(3,1): error CS1002: ; expected",
        StartedAt = Finished.AddMinutes(-4),
        FinishedAt = Finished,
    };

    [Fact]
    public async Task RecordAsync_WritesTheHistoryAndARecallableMemory()
    {
        var outcomes = new TaskOutcomeMemory(_memory, _history);

        var record = await outcomes.RecordAsync(Repaired());

        var history = Assert.Single(await _history.QueryAsync(new TaskHistoryQuery { AgentId = "coder" }, CancellationToken.None));
        Assert.True(history.Repaired);
        Assert.Equal(record.Id, (await _index.GetAsync("task-outcome:nightly:build:2", CancellationToken.None))!.Id);
        var recalled = await _memory.RecallContextAsync("the dotnet build fails with error CS1002", new MemoryContextOptions { Namespace = "task-outcomes", Tags = [TaskOutcomeMemory.RepairedTag] });
        Assert.Contains("a retry repaired the earlier failure", Assert.Single(recalled), StringComparison.Ordinal);
    }

    [Fact]
    public void ToMemoryRecord_DescribesTheOutcomeWithTagsAndMetadata()
    {
        var outcomes = new TaskOutcomeMemory(_memory, _history, new AgentMemoryOptions { OutcomeNamespace = "lessons" });

        var record = outcomes.ToMemoryRecord(Repaired());

        Assert.Equal(("task-outcome:nightly:build:2", "lessons", Finished), (record.Id, record.Namespace, record.CreatedAt));
        Assert.Equal(["agent:coder", "status:completed", "workflow:nightly", "task:build", "repaired"], record.Tags);
        Assert.Equal(
            """
            Task 'build' (Build the solution) of workflow 'nightly', agent 'coder': completed after 2 attempts; a retry repaired the earlier failure.
            Asked: Run dotnet build and fix any compile error.
            Error overcome: dotnet build failed: Program.cs(3,1): error CS1002: ; expected
            Output: Build succeeded. 0 warnings.
            """.ReplaceLineEndings("\n"),
            record.Text);
        Assert.Equal("true", record.Metadata["repaired"]);
        Assert.Equal("2", record.Metadata["attempts"]);
        Assert.Equal("completed", record.Metadata["status"]);
        Assert.Equal("2026-04-05T06:07:08.0000000+00:00", record.Metadata["finished_at"]);
    }

    [Theory]
    [InlineData(TaskState.Completed, 1, "completed on the first attempt", "Error: ")]
    [InlineData(TaskState.Failed, 3, "failed after 3 attempt(s)", "Error: ")]
    [InlineData(TaskState.Cancelled, 0, "cancelled", "Error: ")]
    public void ToMemoryRecord_HeadlineFollowsTheStatus(TaskState status, int attempts, string headline, string errorLabel)
    {
        var outcomes = new TaskOutcomeMemory(_memory, _history);
        var outcome = new TaskOutcome { WorkflowId = "w", TaskId = "t", AgentId = "a", Status = status, Attempts = attempts, Error = status == TaskState.Completed ? null : "boom", FinishedAt = Finished };

        var record = outcomes.ToMemoryRecord(outcome);

        Assert.StartsWith($"Task 't' of workflow 'w', agent 'a': {headline}.", record.Text, StringComparison.Ordinal);
        Assert.Equal(status != TaskState.Completed, record.Text.Contains(errorLabel + "boom", StringComparison.Ordinal));
        Assert.DoesNotContain(TaskOutcomeMemory.RepairedTag, record.Tags);
    }

    [Fact]
    public void ToMemoryRecord_CapsLongFields_KeepingTheEndOfTheOutput()
    {
        var outcomes = new TaskOutcomeMemory(_memory, _history);
        var outcome = new TaskOutcome
        {
            WorkflowId = "w",
            TaskId = "t",
            AgentId = "a",
            Status = TaskState.Failed,
            Attempts = 1,
            Prompt = new string('p', 5000),
            Output = new string('o', 5000) + "THE END",
            FinishedAt = Finished,
        };

        var text = outcomes.ToMemoryRecord(outcome).Text;

        Assert.Contains("Asked: " + new string('p', 999) + "…\n", text, StringComparison.Ordinal);
        Assert.EndsWith("Output: …" + new string('o', 992) + "THE END", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_Twice_KeepsOneHistoryEntryAndOneMemory()
    {
        var outcomes = new TaskOutcomeMemory(_memory, _history);

        await outcomes.RecordAsync(Repaired());
        await outcomes.RecordAsync(Repaired());

        Assert.Single(await _history.QueryAsync(new TaskHistoryQuery(), CancellationToken.None));
        Assert.Equal(1, await _memory.CountAsync());
    }

    [Fact]
    public void FromRecord_TakesEveryFieldOfAnEndedTask()
    {
        var record = new TaskRecord
        {
            WorkflowId = "wf",
            TaskId = "t1",
            Ordinal = 0,
            Title = "Title",
            State = TaskState.Failed,
            Attempt = 3,
            AgentId = "worker",
            LastError = "Failed after 3 attempt(s): boom",
            LastOutput = "tail",
            StartedAt = Finished.AddMinutes(-1),
            FinishedAt = Finished,
        };

        var outcome = TaskOutcome.FromRecord(record, "do it");

        Assert.Equal(
            ("wf", "t1", "worker", "Title", "do it", TaskState.Failed, 3, "tail", "Failed after 3 attempt(s): boom", Finished.AddMinutes(-1), Finished, false),
            (outcome.WorkflowId, outcome.TaskId, outcome.AgentId, outcome.Title, outcome.Prompt, outcome.Status, outcome.Attempts, outcome.Output, outcome.Error, outcome.StartedAt, outcome.FinishedAt, outcome.Repaired));
        var running = Assert.Throws<ArgumentException>(() => TaskOutcome.FromRecord(record with { State = TaskState.Implementing, FinishedAt = null }));
        Assert.Contains("is implementing and has not ended", running.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TaskOutcome.FromRecord(record with { AgentId = null }));
    }

    [Fact]
    public async Task ArgValidation()
    {
        Assert.Throws<ArgumentNullException>(() => new TaskOutcomeMemory(null!, _history));
        Assert.Throws<ArgumentNullException>(() => new TaskOutcomeMemory(_memory, null!));
        Assert.Throws<ArgumentException>(() => new TaskOutcomeMemory(_memory, _history, new AgentMemoryOptions { OutcomeNamespace = "no spaces" }));
        var outcomes = new TaskOutcomeMemory(_memory, _history);
        await Assert.ThrowsAsync<ArgumentNullException>(() => outcomes.RecordAsync(null!));
        Assert.Throws<ArgumentNullException>(() => outcomes.ToMemoryRecord(null!));
        Assert.Throws<ArgumentNullException>(() => TaskOutcome.FromRecord(null!));
    }
}
