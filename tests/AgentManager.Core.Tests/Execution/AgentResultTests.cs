using AgentManager.Execution;

namespace AgentManager.Tests.Execution;

public sealed class AgentResultTests
{
    [Fact]
    public void Success_NoArguments_EmptyOutputNoErrorNoCode()
    {
        var result = AgentResult.Success();

        Assert.True(result.Succeeded);
        Assert.Equal("", result.Output);
        Assert.Null(result.Error);
        Assert.Null(result.ExitCode);
    }

    [Fact]
    public void Failure_WithOutputAndCode_KeepsThem()
    {
        var result = AgentResult.Failure("broke", "partial", 7);

        Assert.False(result.Succeeded);
        Assert.Equal("broke", result.Error);
        Assert.Equal("partial", result.Output);
        Assert.Equal(7, result.ExitCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \n\t")]
    public void Failure_BlankError_ThrowsArgumentException(string? error) =>
        Assert.ThrowsAny<ArgumentException>(() => AgentResult.Failure(error!));
}
