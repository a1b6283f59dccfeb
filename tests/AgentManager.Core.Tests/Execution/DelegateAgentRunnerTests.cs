using AgentManager.Execution;
using static AgentManager.Tests.Execution.TestAgents;

namespace AgentManager.Tests.Execution;

public sealed class DelegateAgentRunnerTests
{
    [Fact]
    public async Task RunAsync_DelegateResult_IsReturnedWithTheInvocation()
    {
        AgentInvocation? seen = null;
        var runner = new DelegateAgentRunner((invocation, _) =>
        {
            seen = invocation;
            return ValueTask.FromResult(AgentResult.Success("done"));
        });
        var invocation = Invocation(prompt: "p");

        var result = await runner.RunAsync(invocation, CancellationToken.None);

        Assert.Same(invocation, seen);
        Assert.Equal("done", result.Output);
    }

    [Fact]
    public async Task RunAsync_DelegateThrowsAsynchronously_FailsWithTypeAndMessage()
    {
        var runner = new DelegateAgentRunner(async (_, ct) =>
        {
            await Task.Yield();
            throw new InvalidOperationException("model unavailable");
        });

        var result = await runner.RunAsync(Invocation(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("Delegate agent runner threw System.InvalidOperationException: model unavailable", result.Error);
    }

    [Fact]
    public async Task RunAsync_DelegateThrowsSynchronously_FailsWithTypeAndMessage()
    {
        var runner = new DelegateAgentRunner((_, _) => throw new FormatException("bad"));

        var result = await runner.RunAsync(Invocation(), CancellationToken.None);

        Assert.Equal("Delegate agent runner threw System.FormatException: bad", result.Error);
    }

    [Fact]
    public async Task RunAsync_DelegateReturnsNull_FailsWithNoResult()
    {
        var runner = new DelegateAgentRunner((_, _) => ValueTask.FromResult<AgentResult>(null!));

        var result = await runner.RunAsync(Invocation(), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("returned no result", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OwnTokenCanceled_PropagatesCancellation()
    {
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runner = new DelegateAgentRunner(async (_, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return AgentResult.Success();
        });
        var run = runner.RunAsync(Invocation(), cts.Token).AsTask();
        await started.Task;

        await cts.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(cts.Token, ex.CancellationToken);
    }

    [Fact]
    public async Task RunAsync_CancellationOfAnotherToken_BecomesFailure()
    {
        var runner = new DelegateAgentRunner((_, _) => throw new OperationCanceledException("inner timeout"));

        var result = await runner.RunAsync(Invocation(), CancellationToken.None);

        Assert.Equal("Delegate agent runner threw System.OperationCanceledException: inner timeout", result.Error);
    }

    [Fact]
    public void Constructor_NullDelegate_ThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>(() => new DelegateAgentRunner(null!));

    [Fact]
    public async Task RunAsync_NullInvocation_ThrowsArgumentNull() =>
        await Assert.ThrowsAsync<ArgumentNullException>(
            () => new DelegateAgentRunner((_, _) => ValueTask.FromResult(AgentResult.Success())).RunAsync(null!, CancellationToken.None).AsTask());
}
