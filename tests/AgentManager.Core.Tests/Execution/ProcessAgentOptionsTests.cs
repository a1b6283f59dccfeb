using AgentManager.Execution;

namespace AgentManager.Tests.Execution;

public sealed class ProcessAgentOptionsTests
{
    [Fact]
    public void Constructor_Defaults_StdinDeliveryAnd64KOutput()
    {
        var options = new ProcessAgentOptions();

        Assert.Equal(PromptDelivery.Stdin, options.PromptDelivery);
        Assert.Equal(65536, options.MaxOutputChars);
        Assert.Empty(options.Command);
        Assert.Empty(options.Environment);
    }

    [Fact]
    public void Validate_ProgramOnly_Passes()
    {
        var options = new ProcessAgentOptions();
        options.Command.Add("agent");

        options.Validate();
    }

    [Fact]
    public void Validate_EmptyCommand_NamesCommandAndRule()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ProcessAgentOptions().Validate());

        Assert.Equal("Command", ex.ParamName);
        Assert.Contains("ProcessAgentOptions.Command is empty", ex.Message, StringComparison.Ordinal);
        Assert.Contains("at least the program", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_BlankProgram_NamesCommandZeroAndRule(string program)
    {
        var options = new ProcessAgentOptions();
        options.Command.Add(program);

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("Command", ex.ParamName);
        Assert.Contains("Command[0] is blank", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NullArgument_NamesItsIndex()
    {
        var options = new ProcessAgentOptions();
        options.Command.Add("agent");
        options.Command.Add(null!);

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("Command[1] is null", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Validate_MaxOutputCharsBelowOne_NamesPropertyValueAndRule(int max)
    {
        var options = new ProcessAgentOptions { MaxOutputChars = max };
        options.Command.Add("agent");

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("MaxOutputChars", ex.ParamName);
        Assert.Contains($"MaxOutputChars is {max}; it must be at least 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UndefinedPromptDelivery_Throws()
    {
        var options = new ProcessAgentOptions { PromptDelivery = (PromptDelivery)42 };
        options.Command.Add("agent");

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("PromptDelivery", ex.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("A=B")]
    public void Validate_BadEnvironmentName_NamesItAndTheRule(string name)
    {
        var options = new ProcessAgentOptions();
        options.Command.Add("agent");
        options.Environment[name] = "value";

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Equal("Environment", ex.ParamName);
        Assert.Contains($"'{name}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("contain no '='", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NullEnvironmentValue_Throws()
    {
        var options = new ProcessAgentOptions();
        options.Command.Add("agent");
        options.Environment["NAME"] = null!;

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("Environment['NAME'] is null", ex.Message, StringComparison.Ordinal);
    }
}
