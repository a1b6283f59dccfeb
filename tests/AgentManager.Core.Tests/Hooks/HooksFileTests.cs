using AgentManager.Hooks;
using AgentManager.Tests.Agents;

namespace AgentManager.Tests.Hooks;

public sealed class HooksFileTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Load_ValidFile_ReadsEveryFieldWithDefaults()
    {
        var path = dir.Write("config/hooks.json", """
            {
              // comments and trailing commas are allowed
              "hooks": [
                {
                  "name": "gate",
                  "point": "before_task_plan_confirm",
                  "command": ["./check.sh", "--strict"],
                  "timeout_seconds": 2.5,
                  "allow_failure": true,
                  "enabled": false,
                  "env": {"LEVEL": "high"},
                  "working_directory": "scripts",
                },
                { "name": "notify", "point": "task_failed", "command": "notify-send 'task failed' \"now\"" },
              ],
            }
            """);

        var hooks = HooksFile.Load(path);

        Assert.Equal(2, hooks.Count);
        var gate = hooks[0];
        Assert.Equal("gate", gate.Name);
        Assert.Equal(HookPoint.BeforeTaskPlanConfirm, gate.Point);
        Assert.Equal(["./check.sh", "--strict"], gate.Command);
        Assert.Equal(TimeSpan.FromSeconds(2.5), gate.Timeout);
        Assert.True(gate.AllowFailure);
        Assert.False(gate.Enabled);
        Assert.Equal("high", gate.Environment["LEVEL"]);
        Assert.Equal(dir.PathOf("config/scripts"), gate.WorkingDirectory);
        var notify = hooks[1];
        Assert.Equal(HookPoint.TaskFailed, notify.Point);
        Assert.Equal(["notify-send", "task failed", "now"], notify.Command);
        Assert.Equal(HookDefinition.DefaultTimeout, notify.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(30), notify.Timeout);
        Assert.False(notify.AllowFailure);
        Assert.True(notify.Enabled);
        Assert.Empty(notify.Environment);
        Assert.Equal(dir.PathOf("config"), notify.WorkingDirectory);
    }

    [Fact]
    public void Load_BadEntries_ListsEveryErrorWithTheFileTheIndexAndTheField()
    {
        var path = dir.Write("hooks.json", """
            {
              "hooks": [
                { "name": "a", "point": "before_lunch", "command": ["x"] },
                { "name": "b", "point": "task_failed", "command": ["x"], "timeout_seconds": -1 },
                { "name": "c", "point": "task_failed" },
                { "name": "d", "point": "task_failed", "command": ["x"], "shell": true },
                { "name": "a", "point": "task_failed", "command": ["x"] },
                42,
                { "point": "task_failed", "command": "unterminated 'quote", "allow_failure": "yes", "env": {"K": 1} },
                { "name": "e", "point": "task_failed", "command": [] }
              ]
            }
            """);

        var exception = Assert.Throws<HookConfigurationException>(() => HooksFile.Load(path));

        Assert.Equal(
            [
                $"{path}: hooks[0].point: 'before_lunch' is not a hook point; use one of before_task_plan_confirm, after_task_plan_confirm, before_workflow_run, after_workflow_run, task_failed, task_blocked",
                $"{path}: hooks[1].timeout_seconds: -1 is out of range; it must be above 0 and at most 86400",
                $"{path}: hooks[2].command: required: an argument vector such as [\"notify\", \"--plan\"] or a command line (no shell is used)",
                $"{path}: hooks[3].shell: unknown field; the known fields are name, point, command, timeout_seconds, allow_failure, enabled, env, working_directory",
                $"{path}: hooks[4].name: 'a' is already the name of hooks[0]; hook names must be unique",
                $"{path}: hooks[5]: must be an object, not a number",
                $"{path}: hooks[6].name: required; every hook needs a name matching ^[A-Za-z0-9_.:-]+$",
                $"{path}: hooks[6].command: Command line 'unterminated 'quote' has an unterminated single quote at position 13; close every quote.",
                $"{path}: hooks[6].allow_failure: must be true or false, not a string",
                $"{path}: hooks[6].env.K: must be a string, not a number",
                $"{path}: hooks[7].command: must be a non-empty argument vector whose first element names the program (no shell is used)",
            ],
            exception.Errors);
        Assert.StartsWith("Hook configuration has 11 errors:", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedJson_NamesTheFileAndTheLine()
    {
        var path = dir.Write("hooks.json", "{\n  \"hooks\": [\n    { \"name\": \"a\", }\n    oops\n  ]\n}");

        var exception = Assert.Throws<HookConfigurationException>(() => HooksFile.Load(path));

        var error = Assert.Single(exception.Errors);
        Assert.StartsWith($"{path}: line 4, column 5: malformed JSON: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "the file must hold a JSON object {\"hooks\": [...]}, not an array")]
    [InlineData("{}", "hooks: required: an array of hook objects")]
    [InlineData("{\"hooks\": {}}", "hooks: must be an array, not an object")]
    public void Load_WrongShape_SaysWhatIsExpected(string json, string expected)
    {
        var path = dir.Write("hooks.json", json);

        var exception = Assert.Throws<HookConfigurationException>(() => HooksFile.Load(path));

        Assert.Equal($"{path}: {expected}", Assert.Single(exception.Errors));
    }

    [Fact]
    public void Load_MissingFile_NamesTheFile()
    {
        var path = dir.PathOf("nowhere/hooks.json");

        var exception = Assert.Throws<HookConfigurationException>(() => HooksFile.Load(path));

        Assert.StartsWith($"{path}: the hooks file could not be read: ", Assert.Single(exception.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ArgValidation() => Assert.Throws<ArgumentNullException>(() => HooksFile.Load(null!));
}
