using AgentManager.Graph;
using CsCheck;
using QuikGraph.Algorithms;

namespace AgentManager.Tests.Graph;

/// <summary>Invariants checked against brute-force definitions on random graphs.</summary>
public sealed class TaskGraphPropertyTests
{
    private static readonly Gen<(int Count, (int, int)[] Edges)> RandomEdges =
        Gen.Int[1, 14].SelectMany(n => Gen.Select(Gen.Int[0, n - 1], Gen.Int[0, n - 1]).Array[0, 40].Select(edges => (n, edges)));

    private static string Id(int i) => "t" + i;

    private static bool Reaches(Dictionary<int, HashSet<int>> dependents, int from, int to)
    {
        var stack = new Stack<int>([from]);
        var seen = new HashSet<int>();
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node == to)
            {
                return true;
            }

            if (seen.Add(node))
            {
                foreach (var next in dependents[node])
                {
                    stack.Push(next);
                }
            }
        }

        return false;
    }

    [Fact]
    public void AddDependency_RandomInsertions_RefusedExactlyWhenBruteForceSeesACycle() =>
        RandomEdges.Sample(input =>
        {
            var (count, edges) = input;
            var graph = new TaskGraph();
            var dependents = Enumerable.Range(0, count).ToDictionary(i => i, _ => new HashSet<int>());
            for (var i = 0; i < count; i++)
            {
                graph.AddTask(Id(i));
            }

            foreach (var (task, dependsOn) in edges)
            {
                var closesCycle = Reaches(dependents, task, dependsOn);
                if (closesCycle)
                {
                    var ex = Assert.Throws<DependencyCycleException>(() => graph.AddDependency(Id(task), Id(dependsOn)));
                    AssertIsCycle(ex.Cycle, dependents, task, dependsOn);
                }
                else
                {
                    graph.AddDependency(Id(task), Id(dependsOn));
                    dependents[dependsOn].Add(task);
                }

                AssertTopological(graph, dependents);
            }

            Assert.Equal(dependents.Values.Sum(d => d.Count), graph.DependencyCount);
        });

    [Fact]
    public void ReadyTasks_RandomCompletions_AlwaysEqualTheDefinition() =>
        Gen.Select(RandomEdges, Gen.Int[0, 1000].Array[30]).Sample((input, picks) =>
        {
            var (count, edges) = input;
            var graph = new TaskGraph();
            var dependencies = Enumerable.Range(0, count).ToDictionary(i => i, _ => new HashSet<int>());
            for (var i = 0; i < count; i++)
            {
                graph.AddTask(Id(i));
            }

            foreach (var (task, dependsOn) in edges)
            {
                try
                {
                    graph.AddDependency(Id(task), Id(dependsOn));
                    dependencies[task].Add(dependsOn);
                }
                catch (DependencyCycleException)
                {
                }
            }

            var completed = new HashSet<int>();
            foreach (var pick in picks)
            {
                var expected = Enumerable.Range(0, count)
                    .Where(i => !completed.Contains(i) && dependencies[i].All(completed.Contains))
                    .Select(Id).Order().ToArray();
                Assert.Equal(expected, graph.ReadyTasks.Order().ToArray());
                if (expected.Length == 0)
                {
                    break;
                }

                var next = expected[pick % expected.Length];
                graph.MarkCompleted(next);
                completed.Add(int.Parse(next[1..], System.Globalization.CultureInfo.InvariantCulture));
            }
        });

    [Fact]
    public void AddRange_RandomDag_EqualsAddingOneByOne() =>
        RandomEdges.Sample(input =>
        {
            var (count, edges) = input;
            var dag = edges.Where(e => e.Item1 > e.Item2).Distinct().Select(e => new TaskDependency(Id(e.Item1), Id(e.Item2))).ToList();
            var ids = Enumerable.Range(0, count).Select(Id).ToList();
            var bulk = new TaskGraph();
            bulk.AddRange(ids, dag);
            var single = new TaskGraph();
            ids.ForEach(single.AddTask);
            dag.ForEach(d => single.AddDependency(d.TaskId, d.DependsOn));

            Assert.Equal(single.DependencyCount, bulk.DependencyCount);
            Assert.Equal(single.ReadyTasks.Order(), bulk.ReadyTasks.Order());
            foreach (var id in ids)
            {
                Assert.Equal(single.GetDependencies(id).Order(), bulk.GetDependencies(id).Order());
            }

            var order = bulk.TopologicalOrder().ToList();
            Assert.All(dag, d => Assert.True(order.IndexOf(d.DependsOn) < order.IndexOf(d.TaskId)));
        });

    [Fact]
    public void AddRange_RandomEdgesWithCycles_RefusedExactlyWhenCyclic() =>
        RandomEdges.Sample(input =>
        {
            var (count, edges) = input;
            var pairs = edges.Where(e => e.Item1 != e.Item2).Distinct().ToList();
            var dependents = Enumerable.Range(0, count).ToDictionary(i => i, _ => new HashSet<int>());
            foreach (var (task, dependsOn) in pairs)
            {
                dependents[dependsOn].Add(task);
            }

            var cyclic = Enumerable.Range(0, count).Any(i => dependents[i].Any(d => Reaches(dependents, d, i)));
            var graph = new TaskGraph();
            var action = () => graph.AddRange(Enumerable.Range(0, count).Select(Id), pairs.Select(e => new TaskDependency(Id(e.Item1), Id(e.Item2))));
            if (cyclic)
            {
                var ex = Assert.Throws<DependencyCycleException>(action);
                for (var i = 0; i + 1 < ex.Cycle.Count; i++)
                {
                    var task = int.Parse(ex.Cycle[i][1..], System.Globalization.CultureInfo.InvariantCulture);
                    var dependsOn = int.Parse(ex.Cycle[i + 1][1..], System.Globalization.CultureInfo.InvariantCulture);
                    Assert.Contains(task, dependents[dependsOn]);
                }

                Assert.Equal(0, graph.Count);
            }
            else
            {
                action();
                Assert.Equal(count, graph.Count);
            }
        });

    /// <summary>Every kind of change, bulk adds into a graph that already has tasks, removals and completions
    /// included, against a model of sets; QuikGraph, over the graph's read-only view, independently checks
    /// that the graph stays acyclic and has exactly the model's edges.</summary>
    [Fact]
    public void Operations_RandomChanges_MatchTheModelAndQuikGraph()
    {
        var op = Gen.Select(Gen.Int[0, 6], Gen.Int[0, 30], Gen.Int[0, 30], Gen.Int[0, 7]);
        op.Array[1, 60].Sample(ops =>
        {
            var graph = new TaskGraph();
            var tasks = new List<int>();
            var edges = new HashSet<(int DependsOn, int Task)>();
            var completed = new HashSet<int>();
            var next = 0;
            foreach (var (kind, a, b, size) in ops)
            {
                int Pick(int n) => tasks[n % tasks.Count];
                bool Cyclic(IEnumerable<(int DependsOn, int Task)> all)
                {
                    var dependents = tasks.ToDictionary(t => t, _ => new HashSet<int>());
                    foreach (var (from, to) in all)
                    {
                        dependents[from].Add(to);
                    }

                    return dependents.Any(p => p.Value.Any(d => Reaches(dependents, d, p.Key)));
                }

                switch (kind)
                {
                    case 0:
                        graph.AddTask(Id(next));
                        tasks.Add(next++);
                        break;
                    case 1 when tasks.Count > 0:
                    {
                        var (task, dependsOn) = (Pick(a), Pick(b));
                        if (task == dependsOn || Cyclic(edges.Append((dependsOn, task))))
                        {
                            Assert.Throws<DependencyCycleException>(() => graph.AddDependency(Id(task), Id(dependsOn)));
                        }
                        else
                        {
                            graph.AddDependency(Id(task), Id(dependsOn));
                            edges.Add((dependsOn, task));
                        }

                        break;
                    }

                    case 2 when tasks.Count > 0:
                    {
                        var task = Pick(a);
                        Assert.True(graph.RemoveTask(Id(task)));
                        tasks.Remove(task);
                        edges.RemoveWhere(e => e.Task == task || e.DependsOn == task);
                        completed.Remove(task);
                        break;
                    }

                    case 3 when edges.Count > 0:
                    {
                        var edge = edges.ElementAt(a % edges.Count);
                        Assert.True(graph.RemoveDependency(Id(edge.Task), Id(edge.DependsOn)));
                        edges.Remove(edge);
                        break;
                    }

                    case 4:
                    {
                        var added = Enumerable.Range(next, size).ToList();
                        var all = tasks.Concat(added).ToList();
                        var batch = new List<(int DependsOn, int Task)>();
                        for (var i = 0; i < size * 2 && all.Count > 1; i++)
                        {
                            var task = all[(a + (i * 7)) % all.Count];
                            var dependsOn = all[(b + (i * 3)) % all.Count];
                            if (task != dependsOn && (added.Contains(task) || added.Contains(dependsOn) || i % 2 == 0))
                            {
                                batch.Add((dependsOn, task));
                            }
                        }

                        var before = tasks.ToList();
                        tasks.AddRange(added);
                        var cyclic = Cyclic(edges.Concat(batch));
                        void Add() => graph.AddRange(added.Select(Id), batch.Select(e => new TaskDependency(Id(e.Task), Id(e.DependsOn))));
                        if (cyclic)
                        {
                            Assert.Throws<DependencyCycleException>(Add);
                            tasks = before;
                        }
                        else
                        {
                            Add();
                            edges.UnionWith(batch);
                            next += size;
                        }

                        break;
                    }

                    case 5:
                    {
                        var ready = tasks.Where(t => !completed.Contains(t) && edges.Where(e => e.Task == t).All(e => completed.Contains(e.DependsOn))).ToList();
                        if (ready.Count > 0)
                        {
                            var task = ready[a % ready.Count];
                            graph.MarkCompleted(Id(task));
                            completed.Add(task);
                        }

                        break;
                    }

                    default:
                        break;
                }

                Assert.Equal(tasks.Count, graph.Count);
                Assert.Equal(edges.Count, graph.DependencyCount);
                foreach (var task in tasks)
                {
                    Assert.Equal(edges.Where(e => e.Task == task).Select(e => Id(e.DependsOn)).Order(), graph.GetDependencies(Id(task)).Order());
                    Assert.Equal(edges.Where(e => e.DependsOn == task).Select(e => Id(e.Task)).Order(), graph.GetDependents(Id(task)).Order());
                }

                var expectedReady = tasks.Where(t => !completed.Contains(t) && edges.Where(e => e.Task == t).All(e => completed.Contains(e.DependsOn)));
                Assert.Equal(expectedReady.Select(Id).Order(), graph.ReadyTasks.Order());
                var position = graph.TopologicalOrder().Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
                Assert.All(edges, e => Assert.True(position[Id(e.DependsOn)] < position[Id(e.Task)]));

                var view = graph.AsQuikGraph();
                Assert.True(view.IsDirectedAcyclicGraph());
                Assert.Equal(edges.Select(e => Id(e.DependsOn) + ">" + Id(e.Task)).Order(), view.Edges.Select(e => graph.IdAt(e.Source) + ">" + graph.IdAt(e.Target)).Order());
            }
        });
    }

    [Fact]
    public void AddRange_ManyDependenciesOnFewTasks_KeepsEachDependentsDependenciesInOrder()
    {
        var graph = new TaskGraph();
        graph.AddRange(["a", "b", "c", "d"], [new("d", "c"), new("d", "a"), new("d", "c"), new("d", "b"), new("c", "a")]);

        Assert.Equal(["c", "a", "b"], graph.GetDependencies("d"));
        Assert.Equal(["c", "d"], graph.GetDependents("a"));
        Assert.Equal(4, graph.DependencyCount);
    }

    private static void AssertIsCycle(IReadOnlyList<string> cycle, Dictionary<int, HashSet<int>> dependents, int task, int dependsOn)
    {
        Assert.Equal(cycle[0], cycle[^1]);
        Assert.Equal(Id(task), cycle[0]);
        Assert.Equal(Id(dependsOn), cycle[1]);
        for (var i = 1; i + 1 < cycle.Count; i++)
        {
            var from = int.Parse(cycle[i][1..], System.Globalization.CultureInfo.InvariantCulture);
            var next = int.Parse(cycle[i + 1][1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(from, dependents[next]);
        }
    }

    private static void AssertTopological(TaskGraph graph, Dictionary<int, HashSet<int>> dependents)
    {
        var position = graph.TopologicalOrder().Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        foreach (var (dependency, set) in dependents)
        {
            foreach (var dependent in set)
            {
                Assert.True(position[Id(dependency)] < position[Id(dependent)]);
            }
        }
    }
}
