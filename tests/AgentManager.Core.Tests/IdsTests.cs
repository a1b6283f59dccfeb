namespace AgentManager.Tests;

public sealed class IdsTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("task_1")]
    [InlineData("build:api-v2.1")]
    public void IsValid_WellFormedId_ReturnsTrue(string id) => Assert.True(Ids.IsValid(id));

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/x")]
    [InlineData("ünïcode")]
    [InlineData(null)]
    public void IsValid_MalformedId_ReturnsFalse(string? id) => Assert.False(Ids.IsValid(id));

    [Fact]
    public void IsValid_TooLong_ReturnsFalse() => Assert.False(Ids.IsValid(new string('a', Ids.MaxLength + 1)));

    [Fact]
    public void ThrowIfInvalid_BadId_NamesValueRuleAndParameter()
    {
        var taskId = "bad id";
        var ex = Assert.Throws<ArgumentException>(() => Ids.ThrowIfInvalid(taskId));
        Assert.Equal("taskId", ex.ParamName);
        Assert.Contains("'bad id'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(Ids.Pattern, ex.Message, StringComparison.Ordinal);
    }
}
