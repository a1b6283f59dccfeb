using AgentManager.Execution;
using AgentManager.Plans;

namespace AgentManager.Tests.Plans;

public sealed class PlanFileTests
{
    private const string Agents = """ "agents": [ { "agent_id": "w", "runner": { "kind": "process", "command": ["true"], "timeout_seconds": 7 } } ] """;

    [Fact]
    public void Parse_ValidPlan_KeepsEveryFieldAndGivesItemsTheirAgentsTimeout()
    {
        var file = PlanFile.Parse($$"""
            {
              "plan_id": "p", "created_by": "me", "source_task_id": "src", "metadata": { "team": "docs", "n": 3 },
              "items": [
                { "id": "a", "title": "A", "assignee": "w", "priority": 4, "verification": "test -s a.md", "workdir": "out" },
                { "id": "b", "title": "B", "assignee": "w", "dependencies": ["a"], "timeout_seconds": 2, "max_attempts": 3 }
              ],
              {{Agents}}
            }
            """, "inline");

        Assert.Equal(("p", "me", "src"), (file.Plan.PlanId, file.Plan.CreatedBy, file.Plan.SourceTaskId));
        Assert.Equal("docs", file.Plan.Metadata["team"]);
        Assert.Equal("3", file.Plan.Metadata["n"]);
        Assert.Equal(TimeSpan.FromSeconds(7), file.Plan.Items[0].Timeout);
        Assert.Equal(TimeSpan.FromSeconds(2), file.Plan.Items[1].Timeout);
        Assert.Equal(["a"], file.Plan.Items[1].Dependencies);
        Assert.IsType<ProcessAgentRunner>(file.Agents["w"]);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOneWithItsField()
    {
        var ex = Assert.Throws<PlanFileException>(() => PlanFile.Parse($$"""
            { "items": [ { "id": "a", "assignee": "ghost" }, { "id": "b", "title": "B", "assignee": "w", "priority": -2 } ], {{Agents}} }
            """, "p.json"));

        Assert.Equal("p.json", ex.Source);
        Assert.Collection(
            ex.Problems,
            p => Assert.StartsWith("plan_id: is required", p, StringComparison.Ordinal),
            p => Assert.StartsWith("items[0].title: item 'a' has no title", p, StringComparison.Ordinal),
            p => Assert.StartsWith("items[0].assignee: 'ghost' is not an agent_id of agents[] (w)", p, StringComparison.Ordinal),
            p => Assert.StartsWith("items[1].priority: -2 is negative", p, StringComparison.Ordinal));
        Assert.StartsWith("p.json: the plan has 4 problems:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DependencyCycle_NamesThePath()
    {
        var ex = Assert.Throws<PlanFileException>(() => PlanFile.Parse($$"""
            { "plan_id": "p", "items": [ { "id": "a", "title": "A", "assignee": "w", "dependencies": ["b"] }, { "id": "b", "title": "B", "assignee": "w", "dependencies": ["a"] } ], {{Agents}} }
            """, "p.json"));

        Assert.Contains(ex.Problems, p => p.Contains("dependency cycle a -> b -> a", StringComparison.Ordinal) || p.Contains("dependency cycle b -> a -> b", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_MalformedJson_NamesTheLine()
    {
        var ex = Assert.Throws<PlanFileException>(() => PlanFile.Parse("{\n \"plan_id\": \"p\",\n \"items\": [ { \"id\": 3 } ] }", "p.json"));

        Assert.StartsWith("p.json: invalid plan JSON at line 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MissingFile_NamesIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.json");

        var ex = await Assert.ThrowsAsync<PlanFileException>(() => PlanFile.LoadAsync(path));

        Assert.Equal($"{path}: the plan file does not exist.", ex.Message);
    }

    [Fact]
    public void ToWorkflow_TwoCalls_GiveNewIdsAndOneTaskPerItemWithTheFilesAgents()
    {
        var file = PlanFile.Parse($$"""
            { "plan_id": "p", "items": [ { "id": "a", "title": "A", "assignee": "w", "verification": "true" }, { "id": "b", "title": "B", "assignee": "w", "dependencies": ["a"] } ], {{Agents}} }
            """, "inline");

        var first = file.ToWorkflow("/tmp/root");
        var second = file.ToWorkflow("/tmp/root");
        var named = file.ToWorkflow("/tmp/root", "chosen");

        Assert.Matches("^p-[0-9a-f]{8}$", first.Id);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal("chosen", named.Id);
        Assert.Equal(["a", "b"], first.Tasks.Select(t => t.Id));
        Assert.NotNull(first.Tasks[0].Verifier);
        Assert.Same(file.Agents["w"], first.Agents["w"]);
        Assert.Equal("p", first.Metadata["plan_id"]);
    }
}
