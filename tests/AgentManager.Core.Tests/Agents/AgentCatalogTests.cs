using AgentManager.Agents;
using AgentManager.Execution;

namespace AgentManager.Tests.Agents;

public sealed class AgentCatalogTests : IDisposable
{
    private readonly TempDirectory config = new();

    public void Dispose() => config.Dispose();

    private static string Md(string json, string body = "") => $"---\n{json}\n---\n{body}";

    [Fact]
    public void CreateDefault_BuiltIns_AllResolveCompletely()
    {
        var catalog = AgentCatalog.CreateDefault();

        Assert.Equal(["manager", "supervisor", "worker"], catalog.Profiles.Select(profile => profile.AgentId));
        Assert.Equal(["code-review", "sandbox-execution", "task-planning"], catalog.Skills.Select(skill => skill.Name));
        Assert.Equal(["event-bus", "filesystem"], catalog.McpServers.Select(server => server.Name));
        foreach (var profile in catalog.Profiles)
        {
            var agent = catalog.Resolve(profile.AgentId);
            Assert.Same(profile, agent.Profile);
            Assert.Empty(agent.Missing);
            Assert.Equal(profile.Skills.Select(reference => reference.Name), agent.Skills.Select(skill => skill.Name));
            Assert.Equal(profile.McpServers.Select(reference => reference.Name), agent.McpServers.Select(server => server.Name));
        }
    }

    [Fact]
    public void TryGetProfile_KnownAndUnknown()
    {
        var catalog = AgentCatalog.CreateDefault();

        Assert.True(catalog.TryGetProfile("worker", out var worker));
        Assert.Same(BuiltInAgents.Worker, worker);
        Assert.False(catalog.TryGetProfile("Worker", out var missing));
        Assert.Null(missing);
    }

    [Fact]
    public void Resolve_UnknownAgent_ListsAvailableAgents()
    {
        var error = Assert.Throws<AgentConfigurationException>(() => AgentCatalog.CreateDefault().Resolve("ghost"));

        Assert.Equal("agent 'ghost' does not exist; available agents: manager, supervisor, worker", Assert.Single(error.Errors));
    }

    [Fact]
    public void Constructor_MissingRequiredReference_ListsAvailableTemplates()
    {
        var profile = new AgentProfile { AgentId = "a", Skills = [new TemplateReference(TemplateKind.Skill, "nope")] };

        var error = Assert.Throws<AgentConfigurationException>(
            () => new AgentCatalog([profile], BuiltInTemplates.Skills, BuiltInTemplates.McpServers));

        Assert.Equal(
            "agent 'a': skills[0]: required skill 'nope' does not resolve: no such template exists; "
                + "available: code-review@1.0.0, sandbox-execution@1.0.0, task-planning@1.0.0",
            Assert.Single(error.Errors));
    }

    [Fact]
    public void Constructor_RequiredVersionMismatch_SaysWhichVersionExists()
    {
        var profile = new AgentProfile { AgentId = "a", McpServers = [new TemplateReference(TemplateKind.Mcp, "filesystem", "9.9")] };

        var error = Assert.Throws<AgentConfigurationException>(
            () => new AgentCatalog([profile], [], BuiltInTemplates.McpServers));

        var message = Assert.Single(error.Errors);
        Assert.Contains("mcp_servers[0]: required MCP server 'filesystem' (version 9.9) does not resolve: the catalog has version 1.0.0", message, StringComparison.Ordinal);
        Assert.EndsWith("available: event-bus@1.0.0, filesystem@1.0.0", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_MissingOptionalReferences_SkippedAndListed()
    {
        var absent = new TemplateReference(TemplateKind.Skill, "absent", Required: false);
        var wrongVersion = new TemplateReference(TemplateKind.Mcp, "filesystem", "2.0.0", Required: false);
        var profile = new AgentProfile
        {
            AgentId = "a",
            Skills = [absent, new TemplateReference(TemplateKind.Skill, "code-review")],
            McpServers = [wrongVersion],
        };

        var agent = new AgentCatalog([profile], BuiltInTemplates.Skills, BuiltInTemplates.McpServers).Resolve("a");

        Assert.Equal([absent, wrongVersion], agent.Missing);
        Assert.Equal([BuiltInTemplates.CodeReview], agent.Skills);
        Assert.Empty(agent.McpServers);
    }

    [Fact]
    public void Constructor_DuplicatesAndInvalidItems_AllReported()
    {
        var error = Assert.Throws<AgentConfigurationException>(() => new AgentCatalog(
            [new AgentProfile { AgentId = "a" }, new AgentProfile { AgentId = "a" }, new AgentProfile { AgentId = "bad id" }],
            [BuiltInTemplates.CodeReview, BuiltInTemplates.CodeReview],
            [new McpServerTemplate { Name = "empty" }]));

        Assert.Equal(
            [
                "skill 'code-review' is defined more than once; ids and names must be unique",
                "agent 'a' is defined more than once; ids and names must be unique",
                "MCP server 'empty': command: an MCP server needs either a command (argv) or a url",
                "agent 'bad id': agent_id: 'bad id' is not a valid id: ids are 1 to 200 characters matching ^[A-Za-z0-9_.:-]+$.",
            ],
            error.Errors);
    }

    [Fact]
    public void Load_EmptyDirectory_HasTheBuiltIns()
    {
        var catalog = AgentCatalog.Load(config.Path);

        Assert.Equal(["manager", "supervisor", "worker"], catalog.Profiles.Select(profile => profile.AgentId));
        Assert.Equal(5, catalog.Skills.Count + catalog.McpServers.Count);
    }

    [Fact]
    public void Load_ProfilesAndOverrides_MergedWithBuiltIns()
    {
        config.Write("reviewer.md", Md(
            """
            {
              "agent_id": "reviewer",
              "name": "Reviewer",
              "role": "reviews pull requests",
              "layer": "high",
              "description": "Checks changes.",
              "capabilities": ["review", "security"],
              "skills": ["code-review", {"kind": "skill", "name": "testing", "version": "0.2", "required": true}],
              "mcp_servers": [{"name": "github"}, {"name": "absent", "required": false}],
              "workdir": {"root": "reviews/shared", "mode": "shared", "create_if_missing": false},
              "runner": {"kind": "process", "command": ["review-bot", "--json"], "timeout_seconds": 90.5,
                         "env": {"LEVEL": "strict"}, "prompt_delivery": "argument", "max_output_chars": 1000},
              "metadata": {"owner": "qa"}
            }
            """,
            "You review.\n\nBe precise."));
        config.Write("worker.md", Md("""{"agent_id": "worker", "layer": "low", "skills": ["testing"]}""", "Project worker."));
        config.Write("templates/skills/code-review.md", Md("""{"name": "code-review", "version": "2.0.0", "description": "Ours."}""", "Our review rules."));
        config.Write("templates/skills/testing.md", Md("""{"name": "testing", "version": "0.2"}""", "Write tests first."));
        config.Write("templates/mcp/github.md", Md("""{"name": "github", "url": "https://mcp.example.com/github"}""", "GitHub tools."));
        config.Write("templates/mcp/filesystem.md", Md("""{"name": "filesystem", "command": "fs-server", "args": ["--root", "."], "env": {"X": "1"}}"""));
        config.Write("notes.txt", "not a profile");

        var catalog = AgentCatalog.Load(config.Path);

        Assert.Equal(["manager", "reviewer", "supervisor", "worker"], catalog.Profiles.Select(profile => profile.AgentId));
        var reviewer = catalog.Resolve("reviewer");
        var profile = reviewer.Profile;
        Assert.Equal("Reviewer", profile.Name);
        Assert.Equal("reviews pull requests", profile.Role);
        Assert.Equal(AgentLayer.High, profile.Layer);
        Assert.Equal("Checks changes.", profile.Description);
        Assert.Equal(["review", "security"], profile.Capabilities);
        Assert.Equal("You review.\n\nBe precise.", profile.Prompt);
        Assert.Equal("reviews/shared", profile.Workdir.Root);
        Assert.Equal(WorkdirMode.Shared, profile.Workdir.Mode);
        Assert.False(profile.Workdir.CreateIfMissing);
        Assert.Equal(["review-bot", "--json"], profile.Runner!.Command);
        Assert.Equal("strict", profile.Runner.Environment["LEVEL"]);
        Assert.Equal(PromptDelivery.Argument, profile.Runner.PromptDelivery);
        Assert.Equal(1000, profile.Runner.MaxOutputChars);
        Assert.Equal(TimeSpan.FromSeconds(90.5), profile.RunnerTimeout);
        Assert.Equal("qa", profile.Metadata["owner"]);
        Assert.Equal(new TemplateReference(TemplateKind.Skill, "testing", "0.2"), profile.Skills[1]);
        Assert.Equal(["code-review@2.0.0", "testing@0.2"], reviewer.Skills.Select(skill => skill.ToString()));
        Assert.Equal("Our review rules.", reviewer.Skills[0].Prompt);
        Assert.Equal(new Uri("https://mcp.example.com/github"), Assert.Single(reviewer.McpServers).Url);
        Assert.Equal([new TemplateReference(TemplateKind.Mcp, "absent", Required: false)], reviewer.Missing);

        var worker = catalog.Resolve("worker");
        Assert.Equal("Project worker.", worker.Profile.Prompt);
        Assert.Equal(["testing"], worker.Skills.Select(skill => skill.Name));
        Assert.Empty(worker.McpServers);

        var filesystem = catalog.McpServers.Single(server => server.Name == "filesystem");
        Assert.Equal(["fs-server"], filesystem.Command);
        Assert.Equal(["--root", "."], filesystem.Args);
        Assert.Same(BuiltInTemplates.TaskPlanning, catalog.Skills.Single(skill => skill.Name == "task-planning"));
        Assert.Equal("code-review@2.0.0", catalog.Resolve("supervisor").Skills[0].ToString());
    }

    [Fact]
    public void Load_UpperCaseExtensionAndHiddenFiles_ReadAndSkipped()
    {
        config.Write("Extra.MD", Md("""{"agent_id": "extra"}"""));
        config.Write(".hidden.md", "garbage");

        Assert.True(AgentCatalog.Load(config.Path).TryGetProfile("extra", out _));
    }

    [Theory]
    [InlineData("# Just Markdown\n", "line 1: the file must start with a line '---'")]
    [InlineData("---\n{\"agent_id\": \"x\"}\nbody without closing\n", "the front matter opened on line 1 has no closing '---' line")]
    [InlineData("---\n{\n  \"agent_id\": \"x\",\n  \"layer\": high\n}\n---\n", "line 4, column")]
    [InlineData("---\n{\"name\": \"x\"}\n---\n", "agent_id: required")]
    [InlineData("---\n{\"agent_id\": \"x\", \"layer\": \"middle\"}\n---\n", "layer: 'middle' is not a layer; use \"high\" or \"low\"")]
    [InlineData("---\n{\"agent_id\": \"x\", \"workdir\": {\"mode\": \"private\"}}\n---\n", "workdir.mode: 'private' is not a mode")]
    [InlineData("---\n{\"agent_id\": \"x\", \"workdir\": {\"root\": \"../up\"}}\n---\n", "workdir.root: The workdir path '../up' is refused: '..' segments")]
    [InlineData("---\n{\"agent_id\": \"x\", \"colour\": 1}\n---\n", "colour: unknown field; the known fields are agent_id, name,")]
    [InlineData("---\n{\"agent_id\": \"x\", \"agent_id\": \"y\"}\n---\n", "agent_id: the field appears more than once")]
    [InlineData("---\n{\"agent_id\": 5}\n---\n", "agent_id: must be a string, not a number")]
    [InlineData("---\n{\"agent_id\": \"x\", \"capabilities\": \"all\"}\n---\n", "capabilities: must be an array of strings, not a string")]
    [InlineData("---\n{\"agent_id\": \"x\", \"skills\": [{\"version\": \"1\"}]}\n---\n", "skills[0].name: required")]
    [InlineData("---\n{\"agent_id\": \"x\", \"skills\": [{\"kind\": \"mcp\", \"name\": \"code-review\"}]}\n---\n", "skills[0].kind: 'mcp' does not belong in skills")]
    [InlineData("---\n{\"agent_id\": \"x\", \"skills\": [3]}\n---\n", "skills[0]: must be a template name or an object")]
    [InlineData("---\n{\"agent_id\": \"x\", \"runner\": {\"kind\": \"docker\", \"command\": [\"a\"]}}\n---\n", "runner.kind: 'docker' is not a runner kind")]
    [InlineData("---\n{\"agent_id\": \"x\", \"runner\": {\"timeout_seconds\": 5}}\n---\n", "runner.command: required")]
    [InlineData("---\n{\"agent_id\": \"x\", \"runner\": {\"command\": []}}\n---\n", "runner.command: must not be empty")]
    [InlineData("---\n{\"agent_id\": \"x\", \"runner\": {\"command\": [\"a\"], \"timeout_seconds\": 0}}\n---\n", "runner.timeout_seconds: 0 is not a positive number")]
    [InlineData("---\n{\"agent_id\": \"x\", \"runner\": {\"command\": [\"a\"], \"prompt_delivery\": \"pipe\"}}\n---\n", "runner.prompt_delivery: 'pipe' is not a prompt delivery")]
    [InlineData("---\n{\"agent_id\": \"x\", \"metadata\": {\"n\": 1}}\n---\n", "metadata.n: must be a string, not a number")]
    [InlineData("---\n{\"agent_id\": \"x\", \"memory\": {\"top_k\": 0}}\n---\n", "memory.top_k: 0 is less than 1")]
    [InlineData("---\n{\"agent_id\": \"x\", \"memory\": {\"min_score\": 2}}\n---\n", "memory.min_score: 2 is not from -1 to 1")]
    [InlineData("---\n{\"agent_id\": \"x\", \"memory\": {\"max_chars\": 5}}\n---\n", "memory.max_chars: 5 is less than 20")]
    [InlineData("---\n{\"agent_id\": \"x\", \"memory\": {\"namespace\": \"a b\"}}\n---\n", "memory.namespace: 'a b' is not a valid id")]
    [InlineData("---\n{\"agent_id\": \"x\", \"memory\": {\"tags\": [\" \"]}}\n---\n", "memory.tags: tags must not be blank")]
    [InlineData("---\n{\"agent_id\": \"x\", \"memory\": {\"top\": 1}}\n---\n", "memory.top: unknown field; the known fields are top_k, min_score, max_chars, namespace, tags")]
    [InlineData("---\n{\"agent_id\": \"x\", \"memory\": 3}\n---\n", "memory: must be an object, not a number")]
    [InlineData("---\n{\"agent_id\": \"x\", \"skills\": [\"nope\"]}\n---\n", "skills[0]: required skill 'nope' does not resolve: no such template exists; available: code-review@1.0.0")]
    public void Load_BadProfileFile_ErrorNamesFileAndRule(string content, string expected)
    {
        var path = config.Write("bad.md", content);

        var error = Assert.Throws<AgentConfigurationException>(() => AgentCatalog.Load(config.Path));

        var message = Assert.Single(error.Errors);
        Assert.StartsWith($"{path}: {expected}", message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("skills", "---\n{\"version\": \"1\"}\n---\n", "name: An id is required")]
    [InlineData("skills", "---\n{\"name\": \"x\", \"command\": [\"a\"]}\n---\n", "command: unknown field")]
    [InlineData("skills", "---\n{\"name\": \"x\"\n", "the front matter opened on line 1 has no closing '---' line")]
    [InlineData("mcp", "---\n{\"name\": \"x\"}\n---\n", "command: an MCP server needs either a command (argv) or a url")]
    [InlineData("mcp", "---\n{\"name\": \"x\", \"url\": \"not a url\"}\n---\n", "url: 'not a url' is not an absolute http or https address")]
    [InlineData("mcp", "---\n{\"name\": \"x\", \"url\": \"ftp://host/x\"}\n---\n", "url: 'ftp://host/x' is not an absolute http or https address")]
    [InlineData("mcp", "---\n{\"name\": \"x\", \"url\": \"https://h/\", \"command\": \"a\"}\n---\n", "url: a server with a url is reached over HTTP")]
    [InlineData("mcp", "---\n{\"name\": \"x\", \"command\": [\"a\", 1]}\n---\n", "command[1]: must be a string, not a number")]
    [InlineData("mcp", "---\n{\"name\": \"x\", \"command\": \"a\", \"env\": {\"A=B\": \"1\"}}\n---\n", "env: the variable name 'A=B' is invalid")]
    public void Load_BadTemplateFile_ErrorNamesFileAndRule(string folder, string content, string expected)
    {
        var path = config.Write($"templates/{folder}/bad.md", content);

        var error = Assert.Throws<AgentConfigurationException>(() => AgentCatalog.Load(config.Path));

        Assert.StartsWith($"{path}: {expected}", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SeveralBadFiles_EveryFileAndFieldReported()
    {
        var noFence = config.Write("a.md", "no front matter");
        var badLayer = config.Write("b.md", Md("""{"agent_id": "b", "layer": "top", "workdir": {"mode": "x", "root": "~/b"}}"""));
        var badJson = config.Write("templates/mcp/c.md", "---\n{\"name\": \"c\",}\n---\n");
        var badSkill = config.Write("templates/skills/d.md", Md("""{"name": "bad name"}"""));

        var error = Assert.Throws<AgentConfigurationException>(() => AgentCatalog.Load(config.Path));

        Assert.Equal(6, error.Errors.Count);
        Assert.Single(error.Errors, message => message.StartsWith(noFence + ": line 1", StringComparison.Ordinal));
        Assert.Single(error.Errors, message => message.StartsWith(badLayer + ": layer:", StringComparison.Ordinal));
        Assert.Single(error.Errors, message => message.StartsWith(badLayer + ": workdir.mode:", StringComparison.Ordinal));
        Assert.Single(error.Errors, message => message.StartsWith(badLayer + ": workdir.root:", StringComparison.Ordinal));
        Assert.Single(error.Errors, message => message.StartsWith(badJson + ": line 2, column", StringComparison.Ordinal));
        Assert.Single(error.Errors, message => message.StartsWith(badSkill + ": name:", StringComparison.Ordinal));
        Assert.StartsWith("Agent configuration has 6 errors:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateAgentIds_ErrorNamesBothFiles()
    {
        var first = config.Write("one.md", Md("""{"agent_id": "twin"}"""));
        var second = config.Write("two.md", Md("""{"agent_id": "twin"}"""));

        var error = Assert.Throws<AgentConfigurationException>(() => AgentCatalog.Load(config.Path));

        Assert.Equal($"{second}: agent_id 'twin' is already defined by {first}; each must be unique", Assert.Single(error.Errors));
    }

    [Fact]
    public void Load_DuplicateTemplateNames_ErrorNamesBothFiles()
    {
        var first = config.Write("templates/mcp/a.md", Md("""{"name": "same", "command": "x"}"""));
        var second = config.Write("templates/mcp/b.md", Md("""{"name": "same", "command": "y"}"""));

        var error = Assert.Throws<AgentConfigurationException>(() => AgentCatalog.Load(config.Path));

        Assert.Equal($"{second}: MCP server name 'same' is already defined by {first}; each must be unique", Assert.Single(error.Errors));
    }

    [Fact]
    public void Load_ProfileReferencingBadTemplateFile_OnlyTheTemplateFileReported()
    {
        var template = config.Write("templates/skills/broken.md", Md("""{"name": "broken", "version": 2}"""));
        config.Write("user.md", Md("""{"agent_id": "user", "skills": ["broken"]}"""));

        var error = Assert.Throws<AgentConfigurationException>(() => AgentCatalog.Load(config.Path));

        Assert.Equal($"{template}: version: must be a string, not a number", Assert.Single(error.Errors));
    }

    [Fact]
    public void Load_OverriddenTemplateChangesVersion_BuiltInProfilesStillResolve()
    {
        config.Write("templates/skills/sandbox-execution.md", Md("""{"name": "sandbox-execution", "version": "7"}""", "Ours."));

        var worker = AgentCatalog.Load(config.Path).Resolve("worker");

        Assert.Equal("Ours.", Assert.Single(worker.Skills).Prompt);
    }

    [Fact]
    public void Load_ProfileWithMemory_ReadsTheMemoryContextOptions()
    {
        config.Write("rememberer.md", Md("""
            { "agent_id": "rememberer",
              "memory": { "top_k": 5, "min_score": 0.35, "max_chars": 300, "namespace": "task-outcomes", "tags": ["ops"] } }
            """));
        config.Write("plain.md", Md("""{ "agent_id": "plain", "memory": {} }"""));

        var catalog = AgentCatalog.Load(config.Path);

        var memory = catalog.Resolve("rememberer").Profile.Memory!;
        Assert.Equal((5, 0.35, 300, "task-outcomes"), (memory.TopK, memory.MinScore, memory.MaxCharsPerMemory, memory.Namespace));
        Assert.Equal(["ops"], memory.Tags);
        var defaults = catalog.Resolve("plain").Profile.Memory!;
        Assert.Equal((3, 0.2, 1000, null), (defaults.TopK, defaults.MinScore, defaults.MaxCharsPerMemory, defaults.Namespace));
        Assert.Null(catalog.Resolve("worker").Profile.Memory);
    }

    [Fact]
    public void Load_MissingDirectory_ThrowsNamingIt()
    {
        var missing = config.PathOf("nowhere");

        var error = Assert.Throws<AgentConfigurationException>(() => AgentCatalog.Load(missing));

        Assert.Equal($"{missing}: the configuration directory does not exist", Assert.Single(error.Errors));
    }
}
