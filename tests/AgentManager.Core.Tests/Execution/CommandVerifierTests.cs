using AgentManager.Execution;
using CsCheck;
using static AgentManager.Tests.Execution.TestAgents;

namespace AgentManager.Tests.Execution;

public sealed class CommandVerifierTests
{
    [Theory]
    [InlineData("dotnet test", new[] { "dotnet", "test" })]
    [InlineData("  a \t b  ", new[] { "a", "b" })]
    [InlineData("a 'b  c' d", new[] { "a", "b  c", "d" })]
    [InlineData("a 'x\\y \"z\"'", new[] { "a", "x\\y \"z\"" })]
    [InlineData("a \"b \\\"c\\\" \\\\ \\d\"", new[] { "a", "b \"c\" \\ \\d" })]
    [InlineData("a b\\ c \\'q", new[] { "a", "b c", "'q" })]
    [InlineData("x\"y z\"'w'v", new[] { "xy zwv" })]
    [InlineData("a '' \"\"", new[] { "a", "", "" })]
    [InlineData("a \"$HOME\" | b > c", new[] { "a", "$HOME", "|", "b", ">", "c" })]
    public void Parse_QuotesAndEscapes_SplitsLikeTheRules(string commandLine, string[] expected) =>
        Assert.Equal(expected, CommandVerifier.Parse(commandLine).Command);

    [Theory]
    [InlineData("", "is blank")]
    [InlineData("  \t ", "is blank")]
    [InlineData("a 'b", "unterminated single quote at position 2")]
    [InlineData("a \"b \\\"", "unterminated double quote at position 2")]
    [InlineData("a b\\", "ends with a backslash")]
    [InlineData("'' b", "blank program")]
    public void Parse_Malformed_ThrowsNamingTheCommandLineAndRule(string commandLine, string rule)
    {
        var ex = Assert.Throws<ArgumentException>(() => CommandVerifier.Parse(commandLine));

        Assert.Equal("commandLine", ex.ParamName);
        Assert.Contains($"Command line '{commandLine}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(rule, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>(() => CommandVerifier.Parse(null!));

    [Fact]
    public void ToString_PlainArguments_JoinsWithSpaces() =>
        Assert.Equal("dotnet test --no-build", CommandVerifier.Parse("dotnet  test --no-build").ToString());

    [Fact]
    public void ToString_SpecialArguments_QuotesThem() =>
        Assert.Equal("sh -c 'echo hi' \"it's\" ''", new CommandVerifier(["sh", "-c", "echo hi", "it's", ""]).ToString());

    [Fact]
    public void ToString_AnyCommand_ParsesBackToTheSameArguments()
    {
        var argument = Gen.Char["ab \t'\"\\$|"].Array[0, 6].Select(chars => new string(chars));
        var command = Gen.Select(Gen.Char["a-/"].Array[1, 4].Select(chars => new string(chars)), argument.Array[0, 4])
            .Select((program, rest) => (string[])[program, .. rest]);

        command.Sample(arguments =>
            Assert.Equal(arguments, CommandVerifier.Parse(new CommandVerifier(arguments).ToString()).Command));
    }

    [Fact]
    public void Constructor_EmptyCommand_Throws() =>
        Assert.Throws<ArgumentException>(() => new CommandVerifier([]));

    [Fact]
    public void Constructor_BlankProgram_Throws() =>
        Assert.Throws<ArgumentException>(() => new CommandVerifier([" ", "x"]));

    [Fact]
    public void Constructor_MaxOutputCharsZero_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CommandVerifier(["true"], maxOutputChars: 0));

    [Fact]
    public void Command_SourceArrayChangedLater_KeepsItsCopy()
    {
        string[] source = ["true", "x"];
        var verifier = new CommandVerifier(source);
        source[1] = "y";

        Assert.Equal(["true", "x"], verifier.Command);
    }

    [Fact]
    public async Task VerifyAsync_ExitZero_PassesWithStdoutThenStderr()
    {
        var result = await Verify(new CommandVerifier([Shell, "-c", "echo ok; echo warning >&2"]));

        Assert.True(result.Passed);
        Assert.Equal("ok\nwarning\n", result.Output);
        Assert.Null(result.Reason);
    }

    [Fact]
    public async Task VerifyAsync_NonZeroExit_FailsWithCommandCodeAndOutputTail()
    {
        var verifier = new CommandVerifier([Shell, "-c", "echo 2 tests failed; exit 4"]);

        var result = await Verify(verifier);

        Assert.False(result.Passed);
        Assert.Equal("Verification '/bin/sh -c 'echo 2 tests failed; exit 4'' exited with code 4: 2 tests failed", result.Reason);
        Assert.Equal("2 tests failed\n", result.Output);
    }

    [Fact]
    public async Task VerifyAsync_ProgramNotFound_FailsNamingTheProgram()
    {
        var result = await Verify(CommandVerifier.Parse("agentmanager-no-such-verifier --check"));

        Assert.False(result.Passed);
        Assert.StartsWith(
            "Verification 'agentmanager-no-such-verifier --check' could not start program 'agentmanager-no-such-verifier': ",
            result.Reason,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_RelativeProgramPath_IsFoundInTheWorkdir()
    {
        using var dir = new TestDirectory();
        var script = dir.File("check.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho checked \"$1\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var result = await Verify(CommandVerifier.Parse("./check.sh now"), Invocation(workdir: dir.Path));

        Assert.True(result.Passed, result.Reason);
        Assert.Equal("checked now\n", result.Output);
    }

    [Fact]
    public async Task VerifyAsync_Workdir_RunsThereWithTheAgentVariables()
    {
        using var dir = new TestDirectory();
        await File.WriteAllTextAsync(dir.File("result.txt"), "built");
        var verifier = CommandVerifier.Parse(
            "/bin/sh -c 'pwd; cat result.txt; echo; echo \"$AGENTMANAGER_TASK_ID $AGENTMANAGER_ATTEMPT $AGENTMANAGER_WORKDIR\"'");

        var result = await Verify(verifier, Invocation(workdir: dir.Path));

        Assert.True(result.Passed);
        Assert.Equal($"{dir.Path}\nbuilt\ntask-1 2 {dir.Path}\n", result.Output);
    }

    [Fact]
    public async Task VerifyAsync_LongOutput_KeepsTheTail()
    {
        var verifier = new CommandVerifier([Shell, "-c", "seq 1 10000"], maxOutputChars: 6);

        var result = await Verify(verifier);

        Assert.StartsWith("[... ", result.Output, StringComparison.Ordinal);
        Assert.EndsWith("\n10000\n", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_Canceled_KillsTheCommandAndThrows()
    {
        using var dir = new TestDirectory();
        using var cts = new CancellationTokenSource();
        var verifier = new CommandVerifier([Shell, "-c", "echo $$ > verifier.pid; sleep 60"]);
        var verify = Verify(verifier, Invocation(workdir: dir.Path), cts.Token);
        var pidFile = dir.File("verifier.pid");
        await Poll.UntilAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).EndsWith('\n'), "verifier.pid");
        var pid = int.Parse(File.ReadAllText(pidFile), System.Globalization.CultureInfo.InvariantCulture);

        await cts.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => verify);
        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.False(Poll.IsAlive(pid));
    }

    [Fact]
    public async Task VerifyAsync_NullContext_ThrowsArgumentNull() =>
        await Assert.ThrowsAsync<ArgumentNullException>(
            () => CommandVerifier.Parse("true").VerifyAsync(null!, CancellationToken.None).AsTask());

    private static Task<VerificationResult> Verify(
        CommandVerifier verifier, AgentInvocation? invocation = null, CancellationToken cancellationToken = default) =>
        verifier.VerifyAsync(
            new VerificationContext { Invocation = invocation ?? Invocation(), AgentResult = AgentResult.Success() },
            cancellationToken).AsTask();
}
