using AgentManager.Agents;
using AgentManager.Execution;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.Persistence;

public sealed class TaskRecordListTests
{
    /// <summary>A compiled workflow of one task: the engine's live task, as the engine adds it to a batch.</summary>
    private static WorkflowRun Run(string workflowId, string taskId)
    {
        var definition = new WorkflowDefinition { Id = workflowId, DefaultAgentId = "worker", WorkRoot = Path.Combine(Path.GetTempPath(), "am-record-list-tests") };
        definition.Agents["worker"] = new DelegateAgentRunner((_, _) => ValueTask.FromResult(AgentResult.Success()));
        definition.Tasks.Add(new TaskDefinition(taskId));
        var compiler = new WorkflowCompiler(new AgentManagerOptions(), new AgentRegistry([], new ServiceCollection().BuildServiceProvider()), TimeProvider.System);
        return compiler.Compile(definition);
    }

    private static TaskRecord Record(string id, int ordinal, string workflowId = "wf-1") =>
        new() { WorkflowId = workflowId, TaskId = id, Ordinal = ordinal, State = TaskState.Pending, AgentId = "worker" };

    [Fact]
    public void AddedRecords_AreReadBackAsTheSameInstancesInOrder()
    {
        var list = new StateChanges().Tasks;
        var (a, b) = (Record("a", 0), Record("b", 1));
        list.Add(a);
        list.AddRange([b]);

        Assert.Equal(2, list.Count);
        Assert.Same(a, list[0]);
        Assert.Same(b, list[1]);
        Assert.Equal([a, b], list.ToArray());
    }

    [Fact]
    public void LiveTask_IsReadAsANewEqualRecordOnEveryRead()
    {
        var run = Run("wf-1", "a");
        var list = new StateChanges().Tasks;
        list.AddSource(run.Tasks[0]);

        var first = list[0];
        var again = list[0];
        var enumerated = list.Single();

        Assert.NotSame(first, again);
        Assert.Equal(first, again);
        Assert.Equal(first, enumerated);
        Assert.Equal(run.Tasks[0].ToRecord(), first);
        Assert.Equal(("wf-1", "a", TaskState.Pending), (first.WorkflowId, first.TaskId, first.State));
    }

    [Fact]
    public void LiveTask_IsReadAsItIsWhenRead()
    {
        var run = Run("wf-1", "a");
        var list = new StateChanges().Tasks;
        list.AddSource(run.Tasks[0]);

        run.Tasks[0].State = TaskState.Ready;

        Assert.Equal(TaskState.Ready, list[0].State);
    }

    [Fact]
    public void Add_Null_Throws()
    {
        var list = new StateChanges().Tasks;

        Assert.Throws<ArgumentNullException>(() => list.Add(null!));
        Assert.Empty(list);
    }

    [Fact]
    public void AddRange_WithANullRecord_ThrowsAndAddsNone()
    {
        var list = new StateChanges().Tasks;

        Assert.Throws<ArgumentNullException>(() => list.AddRange([Record("a", 0), null!]));
        Assert.Empty(list);
    }

    [Fact]
    public void Indexer_OutOfRange_Throws()
    {
        var list = new StateChanges().Tasks;
        list.Add(Record("a", 0));

        Assert.Throws<ArgumentOutOfRangeException>(() => list[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[-1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[1] = Record("b", 1));
    }

    [Fact]
    public void Set_ReplacesTheEntry()
    {
        var list = new StateChanges().Tasks;
        list.Add(Record("a", 0));
        var replacement = Record("a", 0) with { State = TaskState.Ready };

        list[0] = replacement;

        Assert.Same(replacement, list[0]);
        Assert.Throws<ArgumentNullException>(() => list[0] = null!);
    }

    [Fact]
    public void RemoveAll_RemovesTheMatchesAndKeepsTheOrderOfTheRest()
    {
        var list = new StateChanges().Tasks;
        list.AddRange([Record("a", 0), Record("b", 1), Record("c", 2), Record("d", 3)]);

        var removed = list.RemoveAll(r => r.Ordinal % 2 == 1);

        Assert.Equal(2, removed);
        Assert.Equal(["a", "c"], list.Select(r => r.TaskId));
    }

    [Fact]
    public void RemoveWorkflow_RemovesThatWorkflowsRecordsAndLiveTasksOnly()
    {
        var changes = new StateChanges();
        var run = Run("wf-2", "x");
        changes.Tasks.Add(Record("a", 0));
        changes.Tasks.AddSource(run.Tasks[0]);
        changes.Tasks.Add(Record("b", 0, "wf-2"));
        changes.Tasks.Add(Record("c", 1));

        changes.RemoveWorkflow("wf-2");

        Assert.Equal(["a", "c"], changes.Tasks.Select(r => r.TaskId));
    }

    [Fact]
    public void Clear_EmptiesTheListForReuse()
    {
        var list = new StateChanges().Tasks;
        list.AddRange([Record("a", 0), Record("b", 1)]);

        list.Clear();
        list.Add(Record("c", 0));

        Assert.Equal(["c"], list.Select(r => r.TaskId));
    }

    [Fact]
    public void Enumerator_CurrentOutsideTheList_Throws()
    {
        var list = new StateChanges().Tasks;
        list.Add(Record("a", 0));
        var enumerator = list.GetEnumerator();

        Assert.Throws<InvalidOperationException>(() => enumerator.Current);
        Assert.True(enumerator.MoveNext());
        Assert.Equal("a", enumerator.Current.TaskId);
        Assert.False(enumerator.MoveNext());
        Assert.Throws<InvalidOperationException>(() => enumerator.Current);
        enumerator.Reset();
        Assert.True(enumerator.MoveNext());
    }
}
