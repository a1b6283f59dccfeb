using AgentManager.Hooks;
using CsCheck;

namespace AgentManager.Tests.Hooks;

public sealed class HookEnvironmentTests
{
    [Theory]
    [InlineData("plan_id", "AGENTMANAGER_PLAN_ID")]
    [InlineData("plan-id", "AGENTMANAGER_PLAN_ID")]
    [InlineData("Task.Id", "AGENTMANAGER_TASK_ID")]
    [InlineData("a b=c", "AGENTMANAGER_A_B_C")]
    [InlineData("ünïcode", "AGENTMANAGER__N_CODE")]
    [InlineData("9lives", "AGENTMANAGER_9LIVES")]
    [InlineData("x\0y", "AGENTMANAGER_X_Y")]
    public void VariableName_Key_IsUpperCasedAndSanitized(string key, string expected) =>
        Assert.Equal(expected, HookEnvironment.VariableName(key));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void VariableName_NoKey_IsNull(string? key) => Assert.Null(HookEnvironment.VariableName(key));

    [Fact]
    public void VariableName_LongKey_IsCut() =>
        Assert.Equal("AGENTMANAGER_" + new string('K', 128), HookEnvironment.VariableName(new string('k', 300)));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\0b", "ab")]
    [InlineData("multi\nline\r\nvalue", "multilinevalue")]
    [InlineData("tab\there", "tabhere")]
    [InlineData("\u001b[31mred\u001b[0m", "[31mred[0m")]
    [InlineData("del\u007fc1\u0085", "delc1")]
    [InlineData(null, "")]
    public void SanitizeValue_ControlCharacters_AreRemoved(string? value, string expected) =>
        Assert.Equal(expected, HookEnvironment.SanitizeValue(value));

    [Fact]
    public void SanitizeValue_LongValue_IsCutWithoutSplittingASurrogatePair()
    {
        Assert.Equal("abc", HookEnvironment.SanitizeValue("abcdef", 3));
        Assert.Equal("ab", HookEnvironment.SanitizeValue("ab\U0001F600", 3));
        Assert.Equal("ab\U0001F600", HookEnvironment.SanitizeValue("ab\U0001F600z", 4));
        Assert.Equal(4096, HookEnvironment.SanitizeValue(new string('v', 5000)).Length);
    }

    [Fact]
    public void SanitizeValue_AnyText_HasNoControlCharacterAndKeepsTheBound()
    {
        Gen.Select(Gen.String[Gen.Char, 0, 300], Gen.Int[1, 100]).Sample((value, max) =>
        {
            var clean = HookEnvironment.SanitizeValue(value, max);
            return clean.Length <= max
                && !clean.Any(char.IsControl)
                && (clean.Length == 0 || !char.IsHighSurrogate(clean[^1]))
                && value.Where(c => !char.IsControl(c)).Take(clean.Length).SequenceEqual(clean);
        });
    }

    [Fact]
    public void VariableName_AnyKey_UsesOnlyPortableCharacters()
    {
        Gen.String[Gen.Char, 1, 300].Sample(key =>
        {
            var name = HookEnvironment.VariableName(key)!;
            return name.StartsWith(HookEnvironment.Prefix, StringComparison.Ordinal)
                && name.Length == HookEnvironment.Prefix.Length + Math.Min(key.Length, 128)
                && name.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_');
        });
    }

    [Fact]
    public void SanitizeValue_ArgValidation() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => HookEnvironment.SanitizeValue("x", 0));
}
