using System.Globalization;
using System.Runtime.Versioning;
using AgentManager.Execution;
using static AgentManager.Tests.Execution.TestAgents;

namespace AgentManager.Tests.Execution;

[Collection(SerialExecution.Name)]
public sealed class ProcessAgentRunnerTests
{
    [Fact]
    public async Task RunAsync_ExitZero_SucceedsWithStdout()
    {
        var result = await RunAsync("echo hello; echo noise >&2");

        Assert.True(result.Succeeded);
        Assert.Equal("hello\n", result.Output);
        Assert.Null(result.Error);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task RunAsync_UsageWrittenToTheUsageFile_IsTheResultsUsage_AndTheFileIsRemoved()
    {
        var result = await RunAsync("""
            test -e "$AGENTMANAGER_USAGE_FILE" && echo existed-before
            printf '{"input_tokens": 1200, "output_tokens": 340, "cost": 0.012, "model": "m-1"}' > "$AGENTMANAGER_USAGE_FILE"
            echo "$AGENTMANAGER_USAGE_FILE"
            """);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(new AgentUsage { InputTokens = 1200, OutputTokens = 340, Cost = 0.012m }, result.Usage);
        var path = result.Output.Trim();
        Assert.StartsWith(Path.GetTempPath(), path, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task RunAsync_FailedRunThatReportsUsage_CarriesItForTheBudget()
    {
        var result = await RunAsync("""echo '{"output_tokens": 50}' > "$AGENTMANAGER_USAGE_FILE"; echo broke >&2; exit 4""");

        Assert.Equal((false, "Process '/bin/sh' exited with code 4: broke"), (result.Succeeded, result.Error));
        Assert.Equal(new AgentUsage { OutputTokens = 50 }, result.Usage);
    }

    [Theory]
    [InlineData("")]
    [InlineData("printf '  \n' > \"$AGENTMANAGER_USAGE_FILE\"")]
    public async Task RunAsync_NoUsageFileOrAnEmptyOne_ReportsNoUsage(string script)
    {
        var result = await RunAsync(script + "\necho ok");

        Assert.True(result.Succeeded, result.Error);
        Assert.Null(result.Usage);
    }

    [Theory]
    [InlineData("""{"input_tokens": -1}""", "'input_tokens' is -1, not a non-negative integer")]
    [InlineData("""{"output_tokens": 1.5}""", "'output_tokens' is 1.5, not a non-negative integer")]
    [InlineData("""{"cost": "cheap"}""", "'cost' is \"cheap\", not a non-negative number")]
    [InlineData("""[1, 2]""", "it holds a JSON array")]
    [InlineData("""tokens: 12""", "it is not valid JSON")]
    public async Task RunAsync_UsageFileThatIsNoUsageReport_FailsTheRunNamingWhatIsWrong(string written, string named)
    {
        var result = await RunAsync($"printf '%s' '{written}' > \"$AGENTMANAGER_USAGE_FILE\"; echo done");

        Assert.False(result.Succeeded);
        Assert.Equal("done\n", result.Output);
        Assert.StartsWith("Process '/bin/sh' succeeded but its usage file (AGENTMANAGER_USAGE_FILE) cannot be read: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(named, result.Error, StringComparison.Ordinal);
        Assert.Null(result.Usage);
    }

    [Fact]
    public async Task RunAsync_NonZeroExit_FailsWithCodeAndStderrTail()
    {
        var result = await RunAsync("echo out; echo first >&2; echo second >&2; exit 3");

        Assert.False(result.Succeeded);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("Process '/bin/sh' exited with code 3: first\nsecond", result.Error);
        Assert.Equal("out\n", result.Output);
    }

    [Fact]
    public async Task RunAsync_NonZeroExitWithEmptyStderr_QuotesStdout()
    {
        var result = await RunAsync("echo only-stdout; exit 2");

        Assert.Equal("Process '/bin/sh' exited with code 2: only-stdout", result.Error);
    }

    [Fact]
    public async Task RunAsync_NonZeroExitWithoutOutput_ErrorEndsAtCode()
    {
        var result = await RunAsync("exit 1");

        Assert.Equal("Process '/bin/sh' exited with code 1.", result.Error);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task RunAsync_LongStderr_ErrorQuotesOnlyTheLastLines()
    {
        var result = await RunAsync("seq 1 100 >&2; exit 1");

        var lastLines = string.Join('\n', Enumerable.Range(101 - OutputTail.MaxLines, OutputTail.MaxLines));
        Assert.Equal($"Process '/bin/sh' exited with code 1: {lastLines}", result.Error);
    }

    [Fact]
    public async Task RunAsync_ProgramNotFound_FailsNamingTheProgram()
    {
        var options = new ProcessAgentOptions();
        options.Command.Add("agentmanager-no-such-program");

        var result = await new ProcessAgentRunner(options).RunAsync(Invocation(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.StartsWith("Process 'agentmanager-no-such-program' could not be started: ", result.Error, StringComparison.Ordinal);
        Assert.Null(result.ExitCode);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task RunAsync_ProgramNotExecutable_FailsWithTheOsReason()
    {
        using var dir = new TestDirectory();
        var program = dir.File("not-executable");
        await File.WriteAllTextAsync(program, "#!/bin/sh\necho never\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var options = new ProcessAgentOptions();
        options.Command.Add(program);

        var result = await new ProcessAgentRunner(options).RunAsync(Invocation(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.StartsWith($"Process '{program}' could not be started: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("Permission denied", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingWorkdir_FailsInsteadOfThrowing()
    {
        var missing = Path.Combine(Path.GetTempPath(), "agentmanager-missing-" + Guid.NewGuid().ToString("N"));

        var result = await RunAsync("echo never", Invocation(workdir: missing));

        Assert.False(result.Succeeded);
        Assert.Contains(missing, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Always_ChildSeesTheAgentVariablesAndExtraEnvironment()
    {
        using var dir = new TestDirectory();
        var options = Script(
            "printf '%s\\n' \"$AGENTMANAGER_TASK_ID\" \"$AGENTMANAGER_WORKFLOW_ID\" \"$AGENTMANAGER_ATTEMPT\" "
            + "\"$AGENTMANAGER_WORKDIR\" \"$AGENTMANAGER_PREVIOUS_ERROR\" \"$AGENTMANAGER_AGENT_ID\" \"$EXTRA_ONE\" \"$PATH\"");
        options.Environment["EXTRA_ONE"] = "extra value";
        var invocation = Invocation(workdir: dir.Path, previousError: "it broke");

        var result = await new ProcessAgentRunner(options).RunAsync(invocation, CancellationToken.None);

        string[] expected =
        [
            "task-1", "wf-1", "2", dir.Path, "it broke", "agent-1", "extra value",
            Environment.GetEnvironmentVariable("PATH") ?? "",
        ];
        Assert.Equal(expected, result.Output.Split('\n')[..^1]);
    }

    [Fact]
    public async Task RunAsync_FirstAttempt_PreviousErrorIsSetAndEmpty()
    {
        var result = await RunAsync("[ \"${AGENTMANAGER_PREVIOUS_ERROR-unset}\" = '' ] && echo empty");

        Assert.Equal("empty\n", result.Output);
    }

    [Fact]
    public async Task RunAsync_ExtraEnvironmentNamesAnAgentVariable_ExtraWins()
    {
        var options = Script("printf %s \"$AGENTMANAGER_TASK_ID\"");
        options.Environment[AgentEnvironment.TaskId] = "overridden";

        var result = await new ProcessAgentRunner(options).RunAsync(Invocation(), CancellationToken.None);

        Assert.Equal("overridden", result.Output);
    }

    [Fact]
    public async Task RunAsync_StdinDelivery_WritesThePromptAsUtf8AndClosesStdin()
    {
        const string prompt = "héllo\nwörld ✓ 𝄞";

        var result = await RunAsync("cat", Invocation(prompt: prompt));

        Assert.True(result.Succeeded);
        Assert.Equal(prompt, result.Output);
    }

    [Fact]
    public async Task RunAsync_PromptLargerThanPipeWhileEchoing_DoesNotDeadlock()
    {
        var prompt = new string('p', 1_000_000);

        var result = await RunAsync("cat; echo", Invocation(prompt: prompt));

        Assert.True(result.Succeeded);
        var marker = $"[... {prompt.Length + 1 - 65536} characters truncated]\n";
        Assert.Equal(marker + new string('p', 65535) + "\n", result.Output);
    }

    [Fact]
    public async Task RunAsync_ArgumentDelivery_AppendsThePromptAsTheLastArgument()
    {
        var options = Script("printf '%s|' \"$@\"; cat", PromptDelivery.Argument);
        options.Command.Add("sh-name");
        options.Command.Add("first arg");

        var result = await new ProcessAgentRunner(options).RunAsync(Invocation(prompt: "the 'prompt' $HOME"), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("first arg|the 'prompt' $HOME|", result.Output);
    }

    [Fact]
    public async Task RunAsync_NoneDelivery_PassesThePromptNowhere()
    {
        var options = Script("printf '%s|' \"$@\"; cat", PromptDelivery.None);
        options.Command.Add("sh-name");
        options.Command.Add("only");

        var result = await new ProcessAgentRunner(options).RunAsync(Invocation(prompt: "secret prompt"), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("only|", result.Output);
    }

    [Fact]
    public async Task RunAsync_Workdir_RunsThere()
    {
        using var dir = new TestDirectory();

        var result = await RunAsync("pwd; echo made > made.txt", Invocation(workdir: dir.Path));

        Assert.Equal(dir.Path + "\n", result.Output);
        Assert.True(File.Exists(dir.File("made.txt")));
    }

    [Fact]
    public async Task RunAsync_NoWorkdir_RunsInTheCurrentDirectory()
    {
        var result = await RunAsync("pwd; printf %s \"$AGENTMANAGER_WORKDIR\"");

        Assert.Equal($"{Environment.CurrentDirectory}\n{Environment.CurrentDirectory}", result.Output);
    }

    [Fact]
    public async Task RunAsync_FiveMegabytesOfOutput_KeepsTheTailAfterATruncationMarker()
    {
        var options = Script("head -c 5000000 /dev/zero | tr '\\0' x; printf END");
        options.MaxOutputChars = 1000;

        var result = await new ProcessAgentRunner(options).RunAsync(Invocation(), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("[... 4999003 characters truncated]\n" + new string('x', 997) + "END", result.Output);
    }

    [Fact]
    public async Task RunAsync_FiftyMegabytesOfOutput_AllocatesFarLessThanTheOutput()
    {
        var runner = new ProcessAgentRunner(Script("head -c 50000000 /dev/zero | tr '\\0' x"));
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var result = await runner.RunAsync(Invocation(), CancellationToken.None);

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(result.Succeeded);
        Assert.EndsWith(new string('x', 65536), result.Output, StringComparison.Ordinal);

        // Buffering the whole output would take 100 MB of UTF-16; streaming it takes a few.
        Assert.True(allocated < 25_000_000, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task RunAsync_FiveMegabytesOfStderrThenFailure_ErrorStaysShort()
    {
        var options = Script("head -c 5000000 /dev/zero | tr '\\0' e >&2; exit 9");
        options.MaxOutputChars = 100_000;

        var result = await new ProcessAgentRunner(options).RunAsync(Invocation(), CancellationToken.None);

        Assert.Equal(9, result.ExitCode);
        Assert.NotNull(result.Error);
        Assert.True(result.Error.Length <= OutputTail.MaxChars + 100, $"error is {result.Error.Length} characters");
        Assert.EndsWith(new string('e', OutputTail.MaxChars), result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Canceled_KillsTheWholeProcessTreeAndThrows()
    {
        using var dir = new TestDirectory();
        using var cts = new CancellationTokenSource();
        var run = RunAsync(
            "echo $$ > parent.pid; sleep 60 & echo $! > child.pid; sleep 60",
            Invocation(workdir: dir.Path),
            cts.Token);
        var childPidFile = dir.File("child.pid");
        await Poll.UntilAsync(() => ReadPid(childPidFile) is not null, "the agent to write child.pid");
        var childPid = ReadPid(childPidFile)!.Value;
        var parentPid = ReadPid(dir.File("parent.pid"))!.Value;
        Assert.True(Poll.IsAlive(childPid));

        await cts.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.False(Poll.IsAlive(parentPid));
        await Poll.UntilAsync(() => !Poll.IsAlive(childPid), $"the background child {childPid} to die");
    }

    [Fact]
    public async Task RunAsync_TokenAlreadyCanceled_ThrowsWithoutStarting()
    {
        using var dir = new TestDirectory();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => RunAsync("touch started", Invocation(workdir: dir.Path), cts.Token));

        Assert.False(File.Exists(dir.File("started")));
    }

    [Fact]
    public async Task RunAsync_ProcessNeverReadsALargePrompt_StillSucceeds()
    {
        var result = await RunAsync("echo done", Invocation(prompt: new string('q', 1_000_000)));

        Assert.True(result.Succeeded);
        Assert.Equal("done\n", result.Output);
    }

    [Fact]
    public async Task RunAsync_ProcessClosesStdinFirst_StillSucceeds()
    {
        var result = await RunAsync("exec 0<&-; echo closed", Invocation(prompt: new string('q', 1_000_000)));

        Assert.True(result.Succeeded);
        Assert.Equal("closed\n", result.Output);
    }

    [Fact]
    public async Task RunAsync_OptionsChangedAfterConstruction_UsesTheSnapshot()
    {
        var options = Script("printf %s \"$WHICH\"");
        options.Environment["WHICH"] = "original";
        var runner = new ProcessAgentRunner(options);
        options.Environment["WHICH"] = "changed";
        options.Command[2] = "exit 5";

        var result = await runner.RunAsync(Invocation(), CancellationToken.None);

        Assert.Equal("original", result.Output);
    }

    [Fact]
    public void Constructor_NullOptions_ThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>(() => new ProcessAgentRunner(null!));

    [Fact]
    public void Constructor_InvalidOptions_ThrowsFromValidate()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ProcessAgentRunner(new ProcessAgentOptions()));

        Assert.Equal(nameof(ProcessAgentOptions.Command), ex.ParamName);
    }

    [Fact]
    public async Task RunAsync_NullInvocation_ThrowsArgumentNull() =>
        await Assert.ThrowsAsync<ArgumentNullException>(
            () => new ProcessAgentRunner(Script("true")).RunAsync(null!, CancellationToken.None).AsTask());

    private static int? ReadPid(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
