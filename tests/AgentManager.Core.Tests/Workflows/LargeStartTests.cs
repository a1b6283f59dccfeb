using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using static AgentManager.Tests.Workflows.EngineFixture;

namespace AgentManager.Tests.Workflows;

/// <summary>The start of a workflow with more root tasks than the engine sends as changes in one commit (1,024; past
/// that the in-memory store gets whole records): every task's Ready state is stored in the one commit of the start,
/// and the records and changes that follow leave each stored task as the engine ran it, on both stores.</summary>
public sealed class LargeStartTests : IAsyncDisposable
{
    private const int Roots = 1_500;

    private readonly SharedSqliteFile _file = new();

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite")]
    public async Task LargeStart_StoresEveryTaskReadyInOneCommit_AndEachTaskEndsAsItRan(string kind)
    {
        IStateStore inner = kind == "memory"
            ? new InMemoryStateStore()
            : _file.Open();
        var (store, recorder) = RecordingStore.Create(inner);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = Agent(async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return AgentResult.Success();
        });
        var workflow = Workflow(agent, [.. Enumerable.Range(0, Roots).Select(i => Task("t" + i))]);
        workflow.Id = "large";
        await using var fixture = new EngineFixture(store: store);

        await fixture.Engine.CreateAsync(workflow);
        var beforeStart = recorder.Commits.Count;
        await fixture.Engine.StartAsync("large");

        var started = await store.GetTasksAsync("large", CancellationToken.None);
        Assert.Equal(Roots, started.Count);
        Assert.DoesNotContain(started, t => t.State == TaskState.Pending);
        Assert.Single(recorder.Commits.Skip(beforeStart), c => c.Transitions >= Roots);
        for (var i = 0; i < Roots; i++)
        {
            var moves = await store.GetTransitionsAsync("large", "t" + i, CancellationToken.None);
            Assert.Equal((TaskState.Pending, TaskState.Ready), (moves[0].From, moves[0].To));
        }

        release.SetResult();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var summary = await fixture.Engine.WaitForCompletionAsync("large", timeout.Token);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        var finished = await store.GetTasksAsync("large", CancellationToken.None);
        Assert.All(finished, t =>
        {
            Assert.Equal(TaskState.Completed, t.State);
            Assert.Equal(1, t.Attempt);
            Assert.Equal("t" + t.Ordinal, t.TaskId); // the fields of the first record stay under the later changes
            Assert.NotNull(t.FinishedAt);
        });
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
