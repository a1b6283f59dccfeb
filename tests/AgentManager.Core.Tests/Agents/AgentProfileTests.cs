using AgentManager.Agents;
using AgentManager.Execution;

namespace AgentManager.Tests.Agents;

public sealed class AgentProfileTests
{
    [Fact]
    public void Constructor_RequiredOnly_HasDefaults()
    {
        var profile = new AgentProfile { AgentId = "a" };

        Assert.Equal("a", profile.Name);
        Assert.Equal("", profile.Role);
        Assert.Equal(AgentLayer.Low, profile.Layer);
        Assert.Empty(profile.Capabilities);
        Assert.Empty(profile.Skills);
        Assert.Empty(profile.McpServers);
        Assert.Equal("", profile.Prompt);
        Assert.Null(profile.Workdir.Root);
        Assert.Equal(WorkdirMode.Isolated, profile.Workdir.Mode);
        Assert.True(profile.Workdir.CreateIfMissing);
        Assert.Null(profile.Runner);
        Assert.Null(profile.RunnerTimeout);
        Assert.Empty(profile.Metadata);
        profile.Validate();
    }

    [Fact]
    public void Collections_ChangedAfterInit_ProfileUnchanged()
    {
        var capabilities = new List<string> { "code" };
        var metadata = new Dictionary<string, string> { ["team"] = "core" };
        var profile = new AgentProfile { AgentId = "a", Capabilities = capabilities, Metadata = metadata };

        capabilities.Add("more");
        metadata["team"] = "other";

        Assert.Equal(["code"], profile.Capabilities);
        Assert.Equal("core", profile.Metadata["team"]);
        Assert.IsNotType<List<string>>(profile.Capabilities);
    }

    [Fact]
    public void Runner_ChangedAfterInitOrRead_ProfileUnchanged()
    {
        var options = new ProcessAgentOptions { PromptDelivery = PromptDelivery.Argument, MaxOutputChars = 10 };
        options.Command.Add("agent");
        options.Environment["A"] = "1";
        var profile = new AgentProfile { AgentId = "a", Runner = options };

        options.Command.Add("changed");
        profile.Runner!.Environment["B"] = "2";

        var runner = profile.Runner!;
        Assert.Equal(["agent"], runner.Command);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1" }, runner.Environment);
        Assert.Equal(PromptDelivery.Argument, runner.PromptDelivery);
        Assert.Equal(10, runner.MaxOutputChars);
    }

    [Fact]
    public void Validate_EveryProblem_ListedTogether()
    {
        var profile = new AgentProfile
        {
            AgentId = "bad id",
            Name = " ",
            Layer = (AgentLayer)7,
            Capabilities = [""],
            Skills = [new TemplateReference(TemplateKind.Mcp, "fs"), new TemplateReference(TemplateKind.Skill, "x"), new TemplateReference(TemplateKind.Skill, "x")],
            McpServers = [new TemplateReference(TemplateKind.Mcp, "no spaces allowed", Version: " ")],
            Workdir = new WorkdirSettings { Root = "/abs", Mode = (WorkdirMode)9 },
            Runner = new ProcessAgentOptions(),
            RunnerTimeout = TimeSpan.Zero,
        };

        var error = Assert.Throws<AgentConfigurationException>(profile.Validate);

        string[] fields =
        [
            "agent_id:", "name:", "layer:", "capabilities[0]:", "skills[0]:", "skills[2].name:", "mcp_servers[0].name:",
            "mcp_servers[0].version:", "workdir.root:", "workdir.mode:", "runner:", "runner.timeout_seconds:",
        ];
        Assert.Equal(fields.Length, error.Errors.Count);
        foreach (var field in fields)
        {
            Assert.Contains(error.Errors, message => message.StartsWith($"agent 'bad id': {field}", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Validate_RunnerTimeoutAboveTimerLimit_NamesValueAndLimit()
    {
        var profile = new AgentProfile { AgentId = "slow", RunnerTimeout = TimeSpan.FromDays(60) };

        var error = Assert.Throws<AgentConfigurationException>(profile.Validate);

        var message = Assert.Single(error.Errors);
        Assert.StartsWith("agent 'slow': runner.timeout_seconds: 5184000 is above 4294967.294", message, StringComparison.Ordinal);
        Assert.Contains("49.7 days", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RootBreakingWorkdirRule_NamesValueAndRule()
    {
        var profile = new AgentProfile { AgentId = "a", Workdir = new WorkdirSettings { Root = "C:x" } };

        var error = Assert.Throws<AgentConfigurationException>(profile.Validate);

        var message = Assert.Single(error.Errors);
        Assert.Contains("workdir.root", message, StringComparison.Ordinal);
        Assert.Contains("'C:x'", message, StringComparison.Ordinal);
        Assert.Contains("drive letters", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_NullValues_ThrowArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => new AgentProfile { AgentId = null! });
        Assert.Throws<ArgumentNullException>(() => new AgentProfile { AgentId = "a", Prompt = null! });
        Assert.Throws<ArgumentNullException>(() => new AgentProfile { AgentId = "a", Skills = null! });
        Assert.Throws<ArgumentNullException>(() => new AgentProfile { AgentId = "a", Workdir = null! });
        Assert.Throws<ArgumentNullException>(() => new AgentProfile { AgentId = "a", Metadata = null! });
    }

    [Fact]
    public void Name_SetToNull_FallsBackToAgentId() =>
        Assert.Equal("a", new AgentProfile { AgentId = "a", Name = null }.Name);
}
