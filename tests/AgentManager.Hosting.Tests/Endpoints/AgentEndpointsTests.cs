using AgentManager.Agents;
using AgentManager.Execution;
using AgentManager.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentManager.Tests.Endpoints;

/// <summary><c>/agents</c> and <c>/templates</c>: the catalog, read-only, without secrets.</summary>
public sealed class AgentEndpointsTests
{
    private static AgentCatalog SecretCatalog()
    {
        var runner = new ProcessAgentOptions();
        runner.Command.Add("my-agent");
        runner.Environment["API_KEY"] = "hunter2";
        var profile = new AgentProfile
        {
            AgentId = "coder",
            Name = "Coder",
            Role = "worker",
            Runner = runner,
            Skills = [new TemplateReference(TemplateKind.Skill, "refactoring"), new TemplateReference(TemplateKind.Skill, "vault", Required: false)],
            McpServers = [new TemplateReference(TemplateKind.Mcp, "files")],
        };
        var skill = new SkillTemplate { Name = "refactoring", Description = "Refactor safely", Prompt = "Keep behaviour." };
        var mcp = new McpServerTemplate { Name = "files", Command = ["mcp-files"], Env = new Dictionary<string, string> { ["TOKEN"] = "t0ps3cret" }, Prompt = "Use files." };
        return new AgentCatalog([profile], [skill], [mcp]);
    }

    [Fact]
    public async Task Agents_ListAndGet_TheBuiltInCatalog()
    {
        await using var api = await TestApi.StartAsync();

        var list = await api.GetJsonAsync("/agents");
        var worker = await api.GetJsonAsync("/agents/worker");

        Assert.Equal(["manager", "supervisor", "worker"], list["items"]!.AsArray().Select(a => (string)a!["agent_id"]!));
        Assert.Equal(3, (int)list["total"]!);
        Assert.Equal(("worker", "low"), ((string)worker["agent_id"]!, (string)worker["layer"]!));
        Assert.NotNull(worker["skills"]);
        Assert.NotNull(worker["workdir"]!["mode"]);
    }

    [Fact]
    public async Task Agents_UnknownOrMalformed_Is404Or422()
    {
        await using var api = await TestApi.StartAsync();

        var missing = await api.GetJsonAsync("/agents/ghost", HttpStatusCode.NotFound);
        await api.GetJsonAsync("/agents/gh%20ost", HttpStatusCode.UnprocessableEntity);

        Assert.Equal("Agent 'ghost' does not exist; the agents are 'manager', 'supervisor', 'worker'.", Problem.Detail(missing));
    }

    [Fact]
    public async Task Agents_ResolveTemplates_AndNeverShowEnvironmentValues()
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Services = s => s.AddSingleton(SecretCatalog()) });

        var coder = await api.GetJsonAsync("/agents/coder");
        var templates = await api.GetJsonAsync("/templates");
        var files = await api.GetJsonAsync("/templates/mcp/files");
        var skill = await api.GetJsonAsync("/templates/skills/refactoring");

        Assert.Equal(["refactoring"], coder["skills"]!.AsArray().Select(s => (string)s!["name"]!));
        Assert.Equal(["files"], coder["mcp_servers"]!.AsArray().Select(s => (string)s!["name"]!));
        Assert.Equal("vault", (string)coder["missing"]![0]!["name"]!);
        Assert.Equal(["API_KEY"], coder["runner"]!["environment_keys"]!.AsArray().Select(k => (string)k!));
        Assert.Equal(["TOKEN"], files["environment_keys"]!.AsArray().Select(k => (string)k!));
        Assert.Equal("Use files.", (string)files["prompt"]!);
        Assert.Equal("Keep behaviour.", (string)skill["prompt"]!);
        Assert.Null(templates["skills"]![0]!["prompt"]);
        var everything = coder.ToJsonString() + templates.ToJsonString() + files.ToJsonString();
        Assert.DoesNotContain("hunter2", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("t0ps3cret", everything, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/templates/skills/nope")]
    [InlineData("/templates/mcp/nope")]
    public async Task Templates_Unknown_Is404ListingTheKnownOnes(string path)
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Services = s => s.AddSingleton(SecretCatalog()) });

        var problem = await api.GetJsonAsync(path, HttpStatusCode.NotFound);

        Assert.Contains("'nope' does not exist", Problem.Detail(problem), StringComparison.Ordinal);
    }
}
