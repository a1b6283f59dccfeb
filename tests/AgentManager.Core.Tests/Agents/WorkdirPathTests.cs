using AgentManager.Agents;
using CsCheck;

namespace AgentManager.Tests.Agents;

public sealed class WorkdirPathTests : IDisposable
{
    private readonly TempDirectory temp = new();

    private string Root => temp.PathOf("root");

    public WorkdirPathTests() => Directory.CreateDirectory(Root);

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("/etc/passwd", "absolute paths")]
    [InlineData("/", "absolute paths")]
    [InlineData("\\windows\\system32", "absolute paths")]
    [InlineData("C:\\x", "drive letters")]
    [InlineData("C:/x", "drive letters")]
    [InlineData("C:x", "drive letters")]
    [InlineData("c:", "drive letters")]
    [InlineData("\\\\server\\share", "UNC and device paths")]
    [InlineData("//server/share", "UNC and device paths")]
    [InlineData("\\\\?\\C:\\x", "UNC and device paths")]
    [InlineData("..", "'..' segments")]
    [InlineData("../x", "'..' segments")]
    [InlineData("a/../../x", "'..' segments")]
    [InlineData("..\\x", "'..' segments")]
    [InlineData("a\\..\\..\\x", "'..' segments")]
    [InlineData("a/..", "'..' segments")]
    [InlineData("~", "leading '~'")]
    [InlineData("~/x", "leading '~'")]
    [InlineData("~user\\x", "leading '~'")]
    [InlineData("a/b:c", "':' is not allowed")]
    [InlineData("a/b.", "ends with a dot or a space")]
    [InlineData("a /b", "ends with a dot or a space")]
    [InlineData("a\0b", "control characters")]
    [InlineData("a\nb", "control characters")]
    public void TryResolve_ForbiddenPath_RefusesNamingValueAndRule(string relative, string rule)
    {
        var allowed = WorkdirPath.TryResolve(Root, relative, out var fullPath, out var error);

        Assert.False(allowed);
        Assert.Equal("", fullPath);
        Assert.NotNull(error);
        Assert.Contains($"'{relative}'", error, StringComparison.Ordinal);
        Assert.Contains(rule, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/b/c", "a/b/c")]
    [InlineData("a\\b\\c", "a/b/c")]
    [InlineData("./a//b/", "a/b")]
    [InlineData("a~/b", "a~/b")]
    [InlineData("a/~b", "a/~b")]
    [InlineData("...x/.hidden", "...x/.hidden")]
    public void TryResolve_NestedPath_JoinsUnderRoot(string relative, string expected)
    {
        var allowed = WorkdirPath.TryResolve(Root, relative, out var fullPath, out var error);

        Assert.True(allowed, error);
        Assert.Null(error);
        Assert.Equal(Path.Combine([Root, .. expected.Split('/')]), fullPath);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("./")]
    [InlineData(".\\.")]
    public void TryResolve_EmptyOrDot_IsTheRoot(string relative)
    {
        Assert.True(WorkdirPath.TryResolve(Root, relative, out var fullPath, out _));
        Assert.Equal(Root, fullPath);
    }

    [Fact]
    public void TryResolve_RootWithTrailingSeparator_IsNormalized()
    {
        Assert.True(WorkdirPath.TryResolve(Root + Path.DirectorySeparatorChar, "x", out var fullPath, out _));
        Assert.Equal(Path.Combine(Root, "x"), fullPath);
    }

    [Fact]
    public void TryResolve_SymlinkInsideRootPointingOutside_Refused()
    {
        var outside = temp.PathOf("outside");
        Directory.CreateDirectory(outside);
        Directory.CreateSymbolicLink(Path.Combine(Root, "escape"), outside);

        Assert.False(WorkdirPath.TryResolve(Root, "escape/file", out _, out var error));
        Assert.Contains("'escape/file'", error, StringComparison.Ordinal);
        Assert.Contains("symbolic link", error, StringComparison.Ordinal);
        Assert.False(WorkdirPath.TryResolve(Root, "escape", out _, out _));
    }

    [Fact]
    public void TryResolve_RelativeSymlinkClimbingOut_Refused()
    {
        Directory.CreateDirectory(Path.Combine(Root, "a"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "a", "up"), "../..");

        Assert.False(WorkdirPath.TryResolve(Root, "a/up/x", out _, out var error));
        Assert.Contains("outside the root", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_SymlinkToFileOutside_Refused()
    {
        var secret = temp.Write("secret.txt", "x");
        File.CreateSymbolicLink(Path.Combine(Root, "secret"), secret);

        Assert.False(WorkdirPath.TryResolve(Root, "secret", out _, out _));
    }

    [Fact]
    public void TryResolve_SymlinkStayingInsideRoot_Allowed()
    {
        Directory.CreateDirectory(Path.Combine(Root, "real"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "alias"), Path.Combine(Root, "real"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "relative-alias"), "real");

        Assert.True(WorkdirPath.TryResolve(Root, "alias/x", out var fullPath, out var error), error);
        Assert.Equal(Path.Combine(Root, "alias", "x"), fullPath);
        Assert.True(WorkdirPath.TryResolve(Root, "relative-alias", out _, out error), error);
    }

    [Fact]
    public void TryResolve_RootReachedThroughSymlink_ComparesRealPaths()
    {
        var linkedRoot = temp.PathOf("linked-root");
        Directory.CreateSymbolicLink(linkedRoot, Root);
        Directory.CreateDirectory(Path.Combine(Root, "real"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "alias"), Path.Combine(Root, "real"));

        Assert.True(WorkdirPath.TryResolve(linkedRoot, "alias/x", out var fullPath, out var error), error);
        Assert.Equal(Path.Combine(linkedRoot, "alias", "x"), fullPath);
    }

    [Fact]
    public void TryResolve_SymlinkLoop_RefusedNamingTheLoop()
    {
        Directory.CreateSymbolicLink(Path.Combine(Root, "loop-a"), Path.Combine(Root, "loop-b"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "loop-b"), Path.Combine(Root, "loop-a"));

        Assert.False(WorkdirPath.TryResolve(Root, "loop-a/x", out _, out var error));
        Assert.Contains("symbolic links", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolve_RelativeRoot_ThrowsArgument() =>
        Assert.Throws<ArgumentException>(() => WorkdirPath.TryResolve("relative/root", "x", out _, out _));

    [Fact]
    public void TryResolve_NullArguments_ThrowArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => WorkdirPath.TryResolve(null!, "x", out _, out _));
        Assert.Throws<ArgumentNullException>(() => WorkdirPath.TryResolve(Root, null!, out _, out _));
    }

    [Fact]
    public void TryResolve_RandomStrings_NeverLeaveTheRoot()
    {
        Directory.CreateDirectory(Path.Combine(Root, "C"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "a"), temp.Path);
        var prefix = Root + Path.DirectorySeparatorChar;
        Gen.Char["/\\.~:Ca "].Array[0, 12].Select(chars => new string(chars)).Sample(relative =>
        {
            if (WorkdirPath.TryResolve(Root, relative, out var fullPath, out var error))
            {
                Assert.Null(error);
                Assert.True(fullPath == Root || fullPath.StartsWith(prefix, StringComparison.Ordinal), $"'{relative}' gave '{fullPath}'");
                Assert.Equal(fullPath, Path.GetFullPath(fullPath));
                Assert.False(fullPath == Path.Combine(Root, "a") || fullPath.StartsWith(Path.Combine(Root, "a") + Path.DirectorySeparatorChar, StringComparison.Ordinal), $"'{relative}' went through the escaping link");
            }
            else
            {
                Assert.Equal("", fullPath);
                Assert.Contains($"'{relative}'", error, StringComparison.Ordinal);
            }
        });
    }
}
