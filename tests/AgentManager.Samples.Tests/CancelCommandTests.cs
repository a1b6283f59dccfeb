using System.Text.Json;
using AgentManager.Samples.Console;
using Microsoft.Data.Sqlite;

namespace AgentManager.Samples.Tests;

/// <summary>The <c>cancel</c> command next to a <c>run</c> in another process: the request goes through the store.</summary>
public sealed class CancelCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "agentmanager-cancel-sample-tests", Guid.NewGuid().ToString("N"));

    public CancelCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string Db => Path.Combine(_dir, "state.db");

    private string WritePlan()
    {
        var path = Path.Combine(_dir, "plan.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            plan_id = "long",
            agents = new[] { new { agent_id = "sleeper", runner = new { kind = "process", command = new[] { "sh", "-c", "sleep 60" } } } },
            items = new object[]
            {
                new { id = "wait", title = "Wait a minute", assignee = "sleeper", verification = "true" },
                new { id = "after", title = "Then this", assignee = "sleeper", verification = "true", dependencies = new[] { "wait" } },
            },
        }));
        return path;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> CancelAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var code = await CancelCommand.RunAsync(args, stdout, stderr, timeout.Token);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Cancel_FromASecondProcess_EndsTheRunningRunCancelled()
    {
        using var run = ConsoleProcess.Start("run", WritePlan(), "--db", Db, "--workdir", Path.Combine(_dir, "work"));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        run.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("task_started", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        run.BeginErrorReadLine();
        var runStdout = run.StandardOutput.ReadToEndAsync();
        try
        {
            await started.Task.WaitAsync(TimeSpan.FromMinutes(2));
            var status = await ConsoleProcess.RunToEndAsync("status", "--json", "--db", Db);
            var workflowId = Assert.Single(JsonDocument.Parse(status.Stdout).RootElement.EnumerateArray()).GetProperty("workflow_id").GetString()!;

            var (code, stdout, stderr) = await ConsoleProcess.RunToEndAsync("cancel", workflowId, "--reason", "not today", "--db", Db);

            Assert.True(code == 0, stderr);
            Assert.Equal($"cancelled: workflow '{workflowId}' (2 of 2 tasks cancelled): not today", stdout.Trim());
            await run.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal(RunCommand.WorkflowFailed, run.ExitCode);
            var summary = JsonDocument.Parse((await runStdout).Trim().Split('\n')[^1]).RootElement;
            Assert.Equal(("cancelled", 2), (summary.GetProperty("status").GetString(), summary.GetProperty("cancelled").GetInt32()));

            var again = await CancelAsync(workflowId, "--db", Db);
            Assert.Equal(CancelCommand.Refused, again.Code);
            Assert.Contains("already cancelled", again.Stderr, StringComparison.Ordinal);
            var unknown = await CancelAsync("no-such-workflow", "--db", Db);
            Assert.Equal(RunCommand.BadInput, unknown.Code);
            Assert.Contains("no-such-workflow", unknown.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (!run.HasExited)
            {
                run.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Cancel_BadInput_ExitsTwo()
    {
        var none = await CancelAsync("--db", Db);
        var missingDb = await CancelAsync("wf-1", "--db", Path.Combine(_dir, "nope.db"));
        var badWait = await CancelAsync("wf-1", "--wait", "soon", "--db", Db);

        Assert.Equal((2, 2, 2), (none.Code, missingDb.Code, badWait.Code));
        Assert.Contains("cancel needs a workflow id", none.Stderr, StringComparison.Ordinal);
        Assert.Contains("No state store at", missingDb.Stderr, StringComparison.Ordinal);
        Assert.Contains("--wait 'soon' is not a number of seconds", badWait.Stderr, StringComparison.Ordinal);
    }
}
