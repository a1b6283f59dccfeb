using AgentManager.Hooks;
using AgentManager.Tests.Agents;
using static AgentManager.Tests.Hooks.HookTestKit;

namespace AgentManager.Tests.Hooks;

public sealed class HookOptionsValidatorTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void HookOptions_Defaults_AreAsDocumented()
    {
        var options = new HookOptions();

        Assert.False(options.Enabled);
        Assert.Empty(options.Hooks);
        Assert.Null(options.ConfigDirectory);
        Assert.Equal(16384, options.MaxOutputChars);
        Assert.Equal(4096, options.MaxContextValueChars);
        Assert.Equal(4, options.MaxConcurrentRuns);
    }

    [Fact]
    public void Validate_NoConcurrentRuns_IsAnError()
    {
        var options = new HookOptions { MaxConcurrentRuns = 0 };

        var result = new HookOptionsValidator().Validate(null, options);

        Assert.Equal(["HookOptions.MaxConcurrentRuns is 0; it must be at least 1."], result.Failures);
    }

    [Fact]
    public void HookDefinition_Defaults_AreAsDocumented()
    {
        var hook = new HookDefinition { Name = "h", Point = HookPoint.TaskFailed, Command = ["x"] };

        Assert.Equal(TimeSpan.FromSeconds(30), hook.Timeout);
        Assert.False(hook.AllowFailure);
        Assert.True(hook.Enabled);
        Assert.Empty(hook.Environment);
        Assert.Null(hook.WorkingDirectory);
        Assert.Equal("h (task_failed)", hook.ToString());
    }

    [Fact]
    public void Validate_ValidOptions_Succeeds()
    {
        var options = HookHarness.Enabled(Sh("ok", HookPoint.TaskFailed, "true"));

        Assert.True(new HookOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_EnabledWithBadFileAndBadOptions_ReportsEveryProblem()
    {
        var path = dir.Write(HooksFile.FileName, """{ "hooks": [ { "name": "dup", "point": "task_failed", "command": ["x"] }, { "name": "x", "point": "nope", "command": ["x"] } ] }""");
        var options = HookHarness.Enabled(Sh("dup", HookPoint.TaskFailed, "true", environment: new Dictionary<string, string> { ["A=B"] = "1" }));
        options.ConfigDirectory = dir.Path;
        options.MaxOutputChars = 0;

        var result = new HookOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
            [
                "HookOptions.MaxOutputChars is 0; it must be at least 1.",
                "HookOptions.Hooks[0].env: the variable name 'A=B' is invalid; names must be non-empty and contain no '='",
                $"{path}: hooks[1].point: 'nope' is not a hook point; use one of before_task_plan_confirm, after_task_plan_confirm, before_workflow_run, after_workflow_run, task_failed, task_blocked",
            ],
            result.Failures);
    }

    [Fact]
    public void Validate_FileHookNamedLikeAnOptionsHook_IsAnError()
    {
        var path = dir.Write(HooksFile.FileName, """{ "hooks": [ { "name": "dup", "point": "task_failed", "command": ["x"] } ] }""");
        var options = HookHarness.Enabled(Sh("dup", HookPoint.TaskFailed, "true"));
        options.ConfigDirectory = dir.Path;

        var result = new HookOptionsValidator().Validate(null, options);

        Assert.Equal(
            [$"{path}: hooks[0].name: 'dup' is already the name of a hook in HookOptions.Hooks; hook names must be unique"],
            result.Failures);
    }

    [Fact]
    public void Validate_Disabled_DoesNotReadTheFileButChecksTheOptions()
    {
        dir.Write(HooksFile.FileName, "not json");
        var options = new HookOptions { ConfigDirectory = dir.Path };
        Assert.True(new HookOptionsValidator().Validate(null, options).Succeeded);

        options.Hooks.Add(Sh("bad", HookPoint.TaskFailed, "true", timeout: TimeSpan.FromDays(2)));

        Assert.Equal(
            ["HookOptions.Hooks[0].timeout_seconds: 172800 is out of range; it must be above 0 and at most 86400"],
            new HookOptionsValidator().Validate(null, options).Failures);
    }

    [Fact]
    public void Validate_NoFileInConfigDirectory_Succeeds()
    {
        var options = new HookOptions { Enabled = true, ConfigDirectory = dir.Path };

        Assert.True(new HookOptionsValidator().Validate(null, options).Succeeded);
    }
}
