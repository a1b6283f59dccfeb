using AgentManager.Lifecycle;
using AgentManager.Persistence;

namespace AgentManager.Tests.Persistence;

/// <summary>Batches whose entries switch between workflows: a store may remember the workflow of the entry before,
/// but each entry lands with its own workflow, and one of a workflow nobody stored refuses the whole batch.</summary>
public abstract partial class StateStoreContractTests
{
    [Fact]
    public async Task Commit_TransitionsOfTwoWorkflowsInterleavedInOneBatch_EachHistoryKeepsItsOwnInOrder()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow(), Workflow("wf-2")], [Task("t0", 0), Task("t0", 0, "wf-2")]), CancellationToken.None);
        TaskTransition[] transitions =
        [
            Transition("t0", TaskState.Pending, TaskState.Ready, TaskTrigger.DependenciesMet, 0, 1),
            Transition("t0", TaskState.Pending, TaskState.Ready, TaskTrigger.DependenciesMet, 0, 2, "wf-2"),
            Transition("t0", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, 1, 3, "wf-2"),
            Transition("t0", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, 1, 4),
        ];

        await store.CommitAsync(Changes(transitions: transitions), CancellationToken.None);

        Assert.Equal([transitions[0], transitions[3]], await store.GetTransitionsAsync("wf-1", "t0", CancellationToken.None));
        Assert.Equal([transitions[1], transitions[2]], await store.GetTransitionsAsync("wf-2", "t0", CancellationToken.None));
    }

    [Fact]
    public async Task Commit_TransitionOfUnknownWorkflowAfterKnownOnes_ThrowsAndStoresNothingOfTheBatch()
    {
        var store = await CreateStoreAsync(CancellationToken.None);
        await store.CommitAsync(Changes([Workflow()], [Task("t0", 0)]), CancellationToken.None);
        var changes = Changes(transitions:
        [
            Transition("t0", TaskState.Pending, TaskState.Ready, TaskTrigger.DependenciesMet, 0, 1),
            Transition("t0", TaskState.Ready, TaskState.Implementing, TaskTrigger.Start, 1, 2),
            Transition("t0", TaskState.Pending, TaskState.Ready, TaskTrigger.DependenciesMet, 0, 3, "ghost"),
        ]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.CommitAsync(changes, CancellationToken.None));

        Assert.Empty(await store.GetTransitionsAsync("wf-1", null, CancellationToken.None));
        Assert.Equal(TaskState.Pending, (await store.GetTaskAsync("wf-1", "t0", CancellationToken.None))!.State);
    }
}
