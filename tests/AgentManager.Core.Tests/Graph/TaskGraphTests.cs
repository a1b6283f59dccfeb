using AgentManager.Graph;

namespace AgentManager.Tests.Graph;

public sealed class TaskGraphTests
{
    private static TaskGraph Build(string[] tasks, params (string Task, string DependsOn)[] dependencies)
    {
        var graph = new TaskGraph();
        foreach (var task in tasks)
        {
            graph.AddTask(task);
        }

        foreach (var (task, dependsOn) in dependencies)
        {
            graph.AddDependency(task, dependsOn);
        }

        return graph;
    }

    /// <summary>Reading the ready tasks while completing them one by one fails loudly instead of skipping or repeating
    /// a task; a snapshot taken first is the way to do it.</summary>
    [Fact]
    public void ReadyTasks_GraphChangedWhileEnumerating_Throws_ASnapshotDoesNot()
    {
        var graph = Build(["a", "b", "c", "d"], ("d", "a"));

        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var id in graph.ReadyTasks)
            {
                graph.MarkCompleted(id);
            }
        });

        Assert.True(graph.IsCompleted("a"));
        Assert.Equal(["b", "c", "d"], graph.ReadyTasks.Order());
        foreach (var id in graph.ReadyTasks.ToArray())
        {
            graph.MarkCompleted(id);
        }

        Assert.Empty(graph.ReadyTasks);
    }

    [Fact]
    public void AddTask_NewTask_IsReadyAtOnce()
    {
        var graph = Build(["a"]);

        Assert.True(graph.IsReady("a"));
        Assert.Equal(["a"], graph.ReadyTasks);
        Assert.Equal(1, graph.Count);
    }

    [Fact]
    public void AddTask_DuplicateOrInvalid_Refused()
    {
        var graph = Build(["a"]);

        Assert.Equal("a", Assert.Throws<DuplicateTaskException>(() => graph.AddTask("a")).TaskId);
        Assert.Throws<ArgumentException>(() => graph.AddTask("has space"));
        Assert.Equal(1, graph.Count);
    }

    [Fact]
    public void AddDependency_UnknownEitherSide_NamesTheSide()
    {
        var graph = Build(["a"]);

        var task = Assert.Throws<TaskNotFoundException>(() => graph.AddDependency("ghost", "a"));
        var dependency = Assert.Throws<TaskNotFoundException>(() => graph.AddDependency("a", "ghost"));

        Assert.Contains("(taskId)", task.Message, StringComparison.Ordinal);
        Assert.Contains("(dependsOn)", dependency.Message, StringComparison.Ordinal);
        Assert.Equal("ghost", dependency.TaskId);
    }

    [Fact]
    public void AddDependency_MakesDependentWaitUntilDependencyCompletes()
    {
        var graph = Build(["build", "test"], ("test", "build"));

        Assert.Equal(["build"], graph.ReadyTasks);
        Assert.Equal(1, graph.UnmetDependencyCount("test"));
        Assert.Equal(["test"], graph.MarkCompleted("build"));
        Assert.True(graph.IsReady("test"));
        Assert.True(graph.IsCompleted("build"));
        Assert.Equal(["test"], graph.ReadyTasks);
    }

    [Fact]
    public void AddDependency_Twice_IsANoOp()
    {
        var graph = Build(["a", "b"], ("b", "a"), ("b", "a"));

        Assert.Equal(1, graph.DependencyCount);
        Assert.Equal(1, graph.UnmetDependencyCount("b"));
    }

    [Fact]
    public void AddDependency_OnCompletedTask_KeepsTheDependentReady()
    {
        var graph = Build(["a", "b"]);
        graph.MarkCompleted("a");

        graph.AddDependency("b", "a");

        Assert.True(graph.IsReady("b"));
    }

    [Fact]
    public void AddDependency_OnPendingTask_TakesTheDependentOutOfTheReadySet()
    {
        var graph = Build(["a", "b"]);

        graph.AddDependency("b", "a");

        Assert.False(graph.IsReady("b"));
        Assert.Equal(["a"], graph.ReadyTasks);
    }

    [Fact]
    public void AddDependency_ClosingACycle_NamesTheWholePathAndChangesNothing()
    {
        var graph = Build(["a", "b", "c"], ("b", "a"), ("c", "b"));

        var ex = Assert.Throws<DependencyCycleException>(() => graph.AddDependency("a", "c"));

        Assert.Equal(["a", "c", "b", "a"], ex.Cycle);
        Assert.Contains("a -> c -> b -> a", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, graph.DependencyCount);
        Assert.Equal(["a"], graph.ReadyTasks);
        Assert.Equal(["a", "b", "c"], graph.TopologicalOrder());
    }

    [Fact]
    public void AddDependency_OnItself_IsACycle()
    {
        var graph = Build(["a"]);

        Assert.Equal(["a", "a"], Assert.Throws<DependencyCycleException>(() => graph.AddDependency("a", "a")).Cycle);
        Assert.Equal(0, graph.DependencyCount);
    }

    [Fact]
    public void AddDependency_AgainstCurrentOrderWithoutCycle_ReordersTopologically()
    {
        var graph = Build(["a", "b", "c", "d"]);
        graph.AddDependency("a", "d");
        graph.AddDependency("d", "c");
        graph.AddDependency("b", "a");

        var order = graph.TopologicalOrder().ToList();
        Assert.True(order.IndexOf("c") < order.IndexOf("d"));
        Assert.True(order.IndexOf("d") < order.IndexOf("a"));
        Assert.True(order.IndexOf("a") < order.IndexOf("b"));
        Assert.Throws<DependencyCycleException>(() => graph.AddDependency("c", "b"));
    }

    [Fact]
    public void MarkCompleted_DependencyNotDone_ThrowsNamingIt()
    {
        var graph = Build(["a", "b", "c"], ("c", "a"), ("c", "b"));
        graph.MarkCompleted("a");

        var ex = Assert.Throws<TaskNotReadyException>(() => graph.MarkCompleted("c"));

        Assert.Equal("c", ex.TaskId);
        Assert.Equal(["b"], ex.UnmetDependencies);
        Assert.False(graph.IsCompleted("c"));
    }

    [Fact]
    public void MarkCompleted_Twice_ReturnsNothingTheSecondTime()
    {
        var graph = Build(["a", "b"], ("b", "a"));

        Assert.Equal(["b"], graph.MarkCompleted("a"));
        Assert.Empty(graph.MarkCompleted("a"));
        Assert.Equal(0, graph.UnmetDependencyCount("b"));
    }

    [Fact]
    public void RemoveTask_LastUnmetDependency_MakesDependentReady()
    {
        var graph = Build(["a", "b", "c"], ("c", "a"), ("c", "b"));
        graph.MarkCompleted("a");

        Assert.True(graph.RemoveTask("b"));

        Assert.True(graph.IsReady("c"));
        Assert.False(graph.Contains("b"));
        Assert.Equal(1, graph.DependencyCount);
        Assert.False(graph.RemoveTask("b"));
        Assert.Equal(["a"], graph.GetDependencies("c"));
    }

    [Fact]
    public void RemoveDependency_MakesDependentReadyAndIsFalseWhenAbsent()
    {
        var graph = Build(["a", "b"], ("b", "a"));

        Assert.True(graph.RemoveDependency("b", "a"));
        Assert.True(graph.IsReady("b"));
        Assert.False(graph.RemoveDependency("b", "a"));
        Assert.Equal(0, graph.DependencyCount);
    }

    [Fact]
    public void GetDependenciesDependentsDescendants_FollowTheEdges()
    {
        var graph = Build(["a", "b", "c", "d", "e"], ("b", "a"), ("c", "a"), ("d", "b"), ("d", "c"), ("e", "d"));

        Assert.Equal(["b", "c"], graph.GetDependents("a"));
        Assert.Equal(["b", "c"], graph.GetDependencies("d"));
        Assert.Equal(["b", "c", "d", "e"], graph.GetDescendants("a").Order());
        Assert.Empty(graph.GetDescendants("e"));
        Assert.Throws<TaskNotFoundException>(() => graph.GetDependents("ghost"));
    }

    [Fact]
    public void AddRange_Batch_AddsTasksAndDependencies()
    {
        var graph = Build(["base"]);

        graph.AddRange(["x", "y", "z"], [new("y", "x"), new("z", "y"), new("x", "base"), new("z", "base"), new("z", "base")]);

        Assert.Equal(4, graph.Count);
        Assert.Equal(4, graph.DependencyCount);
        Assert.Equal(["base"], graph.ReadyTasks);
        Assert.Equal(["base", "x", "y", "z"], graph.TopologicalOrder());
    }

    [Fact]
    public void AddRange_CycleInBatch_NamesItAndAddsNothing()
    {
        var graph = Build(["base"]);

        var ex = Assert.Throws<DependencyCycleException>(() =>
            graph.AddRange(["a", "b", "c", "free"], [new("a", "c"), new("b", "a"), new("c", "b"), new("a", "base")]));

        Assert.Equal(4, ex.Cycle.Count);
        Assert.Equal(ex.Cycle[0], ex.Cycle[^1]);
        Assert.Equal(["a", "b", "c"], ex.Cycle.Take(3).Order());
        Assert.Equal(1, graph.Count);
        Assert.Equal(0, graph.DependencyCount);
    }

    [Fact]
    public void AddRange_CycleThroughAnExistingTask_IsFound()
    {
        var graph = Build(["old"]);

        var ex = Assert.Throws<DependencyCycleException>(() => graph.AddRange(["new"], [new("new", "old"), new("old", "new")]));

        Assert.Equal(3, ex.Cycle.Count);
        Assert.Equal(1, graph.Count);
        Assert.True(graph.IsReady("old"));
    }

    [Fact]
    public void AddRange_EachFailureKind_AddsNothing()
    {
        var graph = Build(["a"]);

        Assert.Throws<DuplicateTaskException>(() => graph.AddRange(["b", "a"], []));
        Assert.Throws<DuplicateTaskException>(() => graph.AddRange(["b", "b"], []));
        Assert.Throws<ArgumentException>(() => graph.AddRange(["b", "bad id"], []));
        var unknown = Assert.Throws<TaskNotFoundException>(() => graph.AddRange(["b"], [new("b", "ghost")]));
        Assert.Throws<DependencyCycleException>(() => graph.AddRange(["b"], [new("b", "b")]));

        Assert.Equal("ghost", unknown.TaskId);
        Assert.Equal(1, graph.Count);
        Assert.Equal(0, graph.DependencyCount);
        Assert.Equal(["a"], graph.ReadyTasks);
    }

    [Fact]
    public void MarkCompleted_TenThousandTaskLayeredDag_EveryTaskBecomesReadyExactlyOnce()
    {
        const int width = 1000;
        var ids = new List<string>();
        var dependencies = new List<TaskDependency>();
        for (var layer = 0; layer < 10; layer++)
        {
            for (var j = 0; j < width; j++)
            {
                ids.Add($"{layer}:{j}");
                if (layer > 0)
                {
                    for (var k = 0; k < 3; k++)
                    {
                        dependencies.Add(new($"{layer}:{j}", $"{layer - 1}:{(j + k) % width}"));
                    }
                }
            }
        }

        var graph = new TaskGraph();
        graph.AddRange(ids, dependencies);
        var becameReady = new Dictionary<string, int>();
        foreach (var id in graph.ReadyTasks)
        {
            becameReady[id] = 1;
        }

        foreach (var id in graph.TopologicalOrder())
        {
            Assert.True(graph.IsReady(id));
            foreach (var next in graph.MarkCompleted(id))
            {
                becameReady[next] = becameReady.GetValueOrDefault(next) + 1;
            }
        }

        Assert.Equal(ids.Count, becameReady.Count);
        Assert.All(becameReady.Values, n => Assert.Equal(1, n));
        Assert.Empty(graph.ReadyTasks);
    }
}
