using AgentManager.Agents;

namespace AgentManager.Tests.Agents;

public sealed class TaskWorkdirTests : IDisposable
{
    private readonly TempDirectory workspace = new();

    public void Dispose() => workspace.Dispose();

    private static AgentProfile Agent(WorkdirMode mode, string? root = null, bool createIfMissing = true) => new()
    {
        AgentId = "coder",
        Workdir = new WorkdirSettings { Mode = mode, Root = root, CreateIfMissing = createIfMissing },
    };

    [Fact]
    public void Prepare_Isolated_OneDirectoryPerTaskKeptAfterDispose()
    {
        var first = TaskWorkdir.Prepare(Agent(WorkdirMode.Isolated), workspace.Path, "wf", "t1");
        var second = TaskWorkdir.Prepare(Agent(WorkdirMode.Isolated), workspace.Path, "wf", "t2");
        first.Dispose();

        Assert.Equal(workspace.PathOf("coder/wf/t1"), first.Path);
        Assert.Equal(workspace.PathOf("coder/wf/t2"), second.Path);
        Assert.True(Directory.Exists(first.Path));
        Assert.Equal(WorkdirMode.Isolated, first.Mode);
    }

    [Fact]
    public void Prepare_Shared_EveryTaskUsesTheRoot()
    {
        var first = TaskWorkdir.Prepare(Agent(WorkdirMode.Shared, root: "team/space"), workspace.Path, "wf", "t1");
        var second = TaskWorkdir.Prepare(Agent(WorkdirMode.Shared, root: "team/space"), workspace.Path, "wf", "t2");
        first.Dispose();

        Assert.Equal(workspace.PathOf("team/space"), first.Path);
        Assert.Equal(first.Path, second.Path);
        Assert.True(Directory.Exists(first.Path));
    }

    [Fact]
    public void Prepare_Temporary_DirectoryRemovedOnDispose()
    {
        var workdir = TaskWorkdir.Prepare(Agent(WorkdirMode.Temporary), workspace.Path, "wf", "t1");
        File.WriteAllText(Path.Combine(workdir.Path, "scratch.txt"), "x");
        Directory.CreateDirectory(Path.Combine(workdir.Path, "nested"));

        workdir.Dispose();
        workdir.Dispose();

        Assert.Equal(workspace.PathOf("coder/wf/t1"), workdir.Path);
        Assert.False(Directory.Exists(workdir.Path));
        Assert.True(Directory.Exists(workspace.PathOf("coder")));
    }

    [Fact]
    public void Prepare_Temporary_DisposeDoesNotFollowSymlinksOut()
    {
        var outside = workspace.Write("outside/keep.txt", "keep");
        var workdir = TaskWorkdir.Prepare(Agent(WorkdirMode.Temporary), workspace.Path, "wf", "t1");
        Directory.CreateSymbolicLink(Path.Combine(workdir.Path, "link"), Path.GetDirectoryName(outside)!);

        workdir.Dispose();

        Assert.False(Directory.Exists(workdir.Path));
        Assert.True(File.Exists(outside));
    }

    [Theory]
    [InlineData("a:b", "a%3Ab")]
    [InlineData("..", "%2E%2E")]
    [InlineData("x.", "x%2E")]
    [InlineData("v1.2", "v1.2")]
    public void Prepare_IdsWithUnsafeCharacters_AreEncoded(string taskId, string directory)
    {
        var workdir = TaskWorkdir.Prepare(Agent(WorkdirMode.Isolated), workspace.Path, "wf:1", taskId);

        Assert.Equal(workspace.PathOf($"coder/wf%3A1/{directory}"), workdir.Path);
    }

    [Fact]
    public void Prepare_RootBreakingPolicy_ThrowsNamingAgentAndRule()
    {
        var error = Assert.Throws<AgentConfigurationException>(
            () => TaskWorkdir.Prepare(Agent(WorkdirMode.Shared, root: "../elsewhere"), workspace.Path, "wf", "t1"));

        Assert.Contains("agent 'coder'", error.Errors[0], StringComparison.Ordinal);
        Assert.Contains("'..' segments", error.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_RootThroughEscapingSymlink_Throws()
    {
        var outside = workspace.PathOf("outside");
        Directory.CreateDirectory(outside);
        var inner = workspace.PathOf("inner");
        Directory.CreateDirectory(inner);
        Directory.CreateSymbolicLink(Path.Combine(inner, "coder"), outside);

        var error = Assert.Throws<AgentConfigurationException>(
            () => TaskWorkdir.Prepare(Agent(WorkdirMode.Isolated), inner, "wf", "t1"));

        Assert.Contains("symbolic link", error.Errors[0], StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public void Prepare_MissingRootWithoutCreate_Throws()
    {
        var error = Assert.Throws<AgentConfigurationException>(
            () => TaskWorkdir.Prepare(Agent(WorkdirMode.Isolated, createIfMissing: false), workspace.Path, "wf", "t1"));

        Assert.Contains("create_if_missing is false", error.Errors[0], StringComparison.Ordinal);
        Assert.False(Directory.Exists(workspace.PathOf("coder")));
    }

    [Fact]
    public void Prepare_ExistingRootWithoutCreate_CreatesOnlyTheTaskDirectory()
    {
        Directory.CreateDirectory(workspace.PathOf("coder"));

        var workdir = TaskWorkdir.Prepare(Agent(WorkdirMode.Isolated, createIfMissing: false), workspace.Path, "wf", "t1");

        Assert.True(Directory.Exists(workdir.Path));
    }

    [Fact]
    public void Prepare_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => TaskWorkdir.Prepare(Agent(WorkdirMode.Isolated), "relative", "wf", "t1"));
        Assert.Throws<ArgumentException>(() => TaskWorkdir.Prepare(Agent(WorkdirMode.Isolated), workspace.Path, "wf", "bad id"));
        Assert.Throws<ArgumentNullException>(() => TaskWorkdir.Prepare(null!, workspace.Path, "wf", "t1"));
    }
}
