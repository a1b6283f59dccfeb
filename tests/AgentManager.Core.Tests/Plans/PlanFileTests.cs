using AgentManager.Agents;
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
    public void Parse_Agents_BecomeProfilesThatAddNothingToPrompts()
    {
        var file = PlanFile.Parse("""
            {
              "plan_id": "p",
              "items": [ { "id": "a", "title": "A", "assignee": "w" } ],
              "agents": [
                { "agent_id": "w", "name": "Writer", "role": "writes", "layer": "high", "runner": { "kind": "process", "command": ["true"], "timeout_seconds": 7 } },
                { "agent_id": "plain", "runner": { "kind": "process", "command": ["true"] } }
              ]
            }
            """, "inline");

        Assert.Equal(["w", "plain"], file.Profiles.Select(p => p.AgentId));
        var writer = file.Profiles[0];
        Assert.Equal(("Writer", "writes", AgentLayer.High, TimeSpan.FromSeconds(7)), (writer.Name, writer.Role, writer.Layer, writer.RunnerTimeout));
        Assert.Equal(("", "", 0, 0, null), (writer.Prompt, writer.Description, writer.Skills.Count, writer.McpServers.Count, writer.Runner));
        var plain = file.Profiles[1];
        Assert.Equal(("plain", AgentLayer.Low, (TimeSpan?)null), (plain.Name, plain.Layer, plain.RunnerTimeout));
        var catalog = new AgentCatalog(file.Profiles, [], []);
        Assert.Empty(catalog.Resolve("w").Skills);
    }

    [Fact]
    public void Parse_AgentWithUnknownLayerOrBlankName_NamesTheField()
    {
        var ex = Assert.Throws<PlanFileException>(() => PlanFile.Parse("""
            { "plan_id": "p", "items": [ { "id": "a", "title": "A", "assignee": "w" } ],
              "agents": [ { "agent_id": "w", "name": " ", "layer": "middle", "runner": { "kind": "process", "command": ["true"] } } ] }
            """, "p.json"));

        Assert.Equal(
            ["agents[0].layer: 'middle' is not a layer; use \"high\" or \"low\".", "agents[0].name: must not be blank; omit it to use the agent_id."],
            ex.Problems);
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
