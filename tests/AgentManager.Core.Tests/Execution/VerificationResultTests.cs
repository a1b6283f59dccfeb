using AgentManager.Execution;

namespace AgentManager.Tests.Execution;

public sealed class VerificationResultTests
{
    [Fact]
    public void Pass_NoOutput_EmptyOutputNoReason()
    {
        var result = VerificationResult.Pass();

        Assert.True(result.Passed);
        Assert.Equal("", result.Output);
        Assert.Null(result.Reason);
    }

    [Fact]
    public void Fail_WithOutput_KeepsReasonAndOutput()
    {
        var result = VerificationResult.Fail("3 tests failed", "log");

        Assert.False(result.Passed);
        Assert.Equal("3 tests failed", result.Reason);
        Assert.Equal("log", result.Output);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Fail_BlankReason_ThrowsArgumentException(string? reason) =>
        Assert.ThrowsAny<ArgumentException>(() => VerificationResult.Fail(reason!));

    [Fact]
    public void VerificationContext_NullInvocation_ThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>(() => new VerificationContext { Invocation = null!, AgentResult = AgentResult.Success() });
}
