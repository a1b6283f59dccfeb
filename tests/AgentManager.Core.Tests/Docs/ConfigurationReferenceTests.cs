namespace AgentManager.Tests.Docs;

public sealed class ConfigurationReferenceTests
{
    [Fact]
    public void ConfigurationPage_MatchesTheOptionsClasses()
    {
        var path = RepositoryFiles.PathOf("docs/configuration.md");
        var expected = ConfigurationReference.Generate([typeof(AgentManagerOptions).Assembly]);
        if (Environment.GetEnvironmentVariable("AGENTMANAGER_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        var actual = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";
        Assert.True(
            expected == actual,
            $"docs/configuration.md is out of date with the options classes; run this test with AGENTMANAGER_UPDATE_DOCS=1 to regenerate it, then review the diff.");
    }

    [Fact]
    public void OptionsTypes_FindsTheMainOptions()
    {
        var types = ConfigurationReference.OptionsTypes(typeof(AgentManagerOptions).Assembly);

        Assert.Equal(typeof(AgentManagerOptions), types[0]);
        Assert.Contains(typeof(AgentManager.Scheduling.RetryPolicy), types);
        Assert.Contains(typeof(AgentManager.Hooks.HookOptions), types);
    }
}
