using AgentManager.Graph;
using CsCheck;

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
