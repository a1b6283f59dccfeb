using AgentManager.Execution;
using static AgentManager.Tests.Execution.TestAgents;

namespace AgentManager.Tests.Execution;

public sealed class DelegateVerifierTests
{
    private static readonly VerificationContext Context = new() { Invocation = Invocation(), AgentResult = AgentResult.Success("out") };

    [Fact]
    public async Task VerifyAsync_DelegateResult_IsReturnedWithTheContext()
    {
        VerificationContext? seen = null;
        var verifier = new DelegateVerifier((context, _) =>
        {
            seen = context;
            return ValueTask.FromResult(VerificationResult.Fail("wrong answer"));
        });

        var result = await verifier.VerifyAsync(Context, CancellationToken.None);

        Assert.Same(Context, seen);
        Assert.Equal("wrong answer", result.Reason);
    }

    [Fact]
    public async Task VerifyAsync_DelegateThrows_FailsWithTypeAndMessage()
    {
        var verifier = new DelegateVerifier((_, _) => throw new InvalidOperationException("checker broke"));

        var result = await verifier.VerifyAsync(Context, CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("Delegate verifier threw System.InvalidOperationException: checker broke", result.Reason);
    }

    [Fact]
    public async Task VerifyAsync_DelegateReturnsNull_FailsWithNoResult()
    {
        var verifier = new DelegateVerifier((_, _) => ValueTask.FromResult<VerificationResult>(null!));

        var result = await verifier.VerifyAsync(Context, CancellationToken.None);

        Assert.Contains("returned no result", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_OwnTokenCanceled_PropagatesCancellation()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var verifier = new DelegateVerifier((_, ct) =>
        {
            ct.ThrowIfCancellationRequested();
            return ValueTask.FromResult(VerificationResult.Pass());
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => verifier.VerifyAsync(Context, cts.Token).AsTask());
    }

    [Fact]
    public void Constructor_NullDelegate_ThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>(() => new DelegateVerifier(null!));
}
