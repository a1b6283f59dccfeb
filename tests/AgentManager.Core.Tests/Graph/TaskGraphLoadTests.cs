using AgentManager.Graph;
using CsCheck;
using QuikGraph.Algorithms;

namespace AgentManager.Tests.Graph;

/// <summary>The compiler's way in (<c>Load</c>: ids indexed and dependencies resolved by the caller, arrays taken over)
/// leaves the graph exactly as <see cref="TaskGraph.AddRange"/> of the same tasks does, refuses the same cycles, and the
/// graph behaves the same under every later change.</summary>
public sealed class TaskGraphLoadTests
{
    private static readonly Gen<(int Count, (int Task, int DependsOn)[] Edges)> RandomEdges =
        Gen.Int[1, 14].SelectMany(n => Gen.Select(Gen.Int[0, n - 1], Gen.Int[0, n - 1]).Array[0, 40].Select(edges => (n, edges)));

    private static string Id(int i) => "t" + i;

    [Fact]
    public void Load_RandomEdges_SameGraphOrSameCycleAsAddRange() =>
        Gen.Select(RandomEdges, Gen.Bool, Gen.Select(Gen.Int[0, 5], Gen.Int[0, 30], Gen.Int[0, 30]).Array[0, 20]).Sample((input, acyclic, changes) =>
        {
            // Half the samples keep only edges to a lower task: random edges among few tasks are nearly always cyclic.
            var (count, edges) = input;
            var pairs = edges.Where(e => acyclic ? e.Task > e.DependsOn : e.Task != e.DependsOn).Distinct().ToList();
            var bulk = new TaskGraph();
            var loaded = new TaskGraph();
            var bulkFailure = Record.Exception(() => bulk.AddRange(Enumerable.Range(0, count).Select(Id), pairs.Select(e => new TaskDependency(Id(e.Task), Id(e.DependsOn)))));
            var loadFailure = Record.Exception(() => Load(loaded, count, pairs));

            if (bulkFailure is not null)
            {
                var expected = Assert.IsType<DependencyCycleException>(bulkFailure);
                Assert.Equal(expected.Cycle, Assert.IsType<DependencyCycleException>(loadFailure).Cycle);
                Assert.Equal(expected.Message, loadFailure.Message);
                Assert.Equal(0, loaded.Count);
                return;
            }

            Assert.Null(loadFailure);
            AssertSame(bulk, loaded);
            var next = count;
            foreach (var (kind, a, b) in changes)
            {
                var live = Enumerable.Range(0, next).Select(Id).Where(bulk.Contains).ToList();
                if (live.Count == 0)
                {
                    break;
                }

                var (first, second) = (live[a % live.Count], live[b % live.Count]);
                var expected = Record.Exception(() => Change(bulk, kind, first, second, next));
                var actual = Record.Exception(() => Change(loaded, kind, first, second, next));
                Assert.Equal(expected?.GetType(), actual?.GetType());
                Assert.Equal((expected as DependencyCycleException)?.Cycle, (actual as DependencyCycleException)?.Cycle);
                next += kind == 0 ? 1 : 0;
                AssertSame(bulk, loaded);
            }
        });

    [Fact]
    public void Load_IntoAGraphWithTasks_IsRefusedAndChangesNothing()
    {
        var graph = new TaskGraph();
        graph.AddTask("a");

        Assert.Throws<InvalidOperationException>(() => Load(graph, 2, [(1, 0)]));

        Assert.Equal(["a"], graph.TopologicalOrder());
        Assert.Equal(0, graph.DependencyCount);
    }

    /// <summary>Loads <paramref name="count"/> tasks as the compiler does: rows grouped by dependent, in the given
    /// order, in an array with room to spare.</summary>
    private static void Load(TaskGraph graph, int count, List<(int Task, int DependsOn)> pairs)
    {
        var ids = Enumerable.Range(0, count).Select(Id).ToArray();
        var index = new TaskIndex(count);
        for (var i = 0; i < count; i++)
        {
            index.TryAdd(ids[i], i);
        }

        var offsets = new int[count + 1];
        var prerequisites = new int[pairs.Count + 3];
        var at = 0;
        for (var v = 0; v < count; v++)
        {
            offsets[v] = at;
            foreach (var (_, dependsOn) in pairs.Where(p => p.Task == v))
            {
                prerequisites[at++] = dependsOn;
            }
        }

        offsets[count] = at;
        graph.Load(ids, index, offsets, prerequisites);
    }

    private static void Change(TaskGraph graph, int kind, string first, string second, int next)
    {
        switch (kind)
        {
            case 0:
                graph.AddTask(Id(next));
                graph.AddDependency(Id(next), first);
                break;
            case 1:
                graph.AddDependency(first, second);
                break;
            case 2:
                graph.RemoveDependency(first, second);
                break;
            case 3:
                graph.RemoveTask(first);
                break;
            case 4:
                graph.MarkCompleted(first);
                break;
            default:
                graph.AddRange([Id(next) + "x"], [new(first, Id(next) + "x")]);
                break;
        }
    }

    private static void AssertSame(TaskGraph expected, TaskGraph actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.DependencyCount, actual.DependencyCount);
        Assert.Equal(expected.TopologicalOrder(), actual.TopologicalOrder());
        Assert.Equal(expected.ReadyTasks.Order(), actual.ReadyTasks.Order());
        foreach (var id in expected.TopologicalOrder())
        {
            Assert.Equal(expected.GetDependencies(id), actual.GetDependencies(id));
            Assert.Equal(expected.GetDependents(id), actual.GetDependents(id));
            Assert.Equal(expected.GetDescendants(id), actual.GetDescendants(id));
            Assert.Equal(expected.IsCompleted(id), actual.IsCompleted(id));
            Assert.Equal(expected.UnmetDependencyCount(id), actual.UnmetDependencyCount(id));
        }

        Assert.True(actual.AsQuikGraph().IsDirectedAcyclicGraph());
    }
}
