using System.Diagnostics;
using System.Text.Json;
using AgentManager.Samples.Console;
using Microsoft.Data.Sqlite;

namespace AgentManager.Samples.Tests;

/// <summary>The <c>inbox</c> command next to a <c>run</c> blocked on a task in another process.</summary>
public sealed class InboxCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "agentmanager-inbox-sample-tests", Guid.NewGuid().ToString("N"));

    public InboxCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string Db => Path.Combine(_dir, "state.db");

    private string Work => Path.Combine(_dir, "work");

    private static string Plan => Path.Combine(AppContext.BaseDirectory, "plans", "repair-ladder.json");

    private static async Task<(int Code, string Stdout, string Stderr)> InboxAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var code = await InboxCommand.RunAsync(args, stdout, stderr, timeout.Token);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Starts <c>run</c> of the ladder sample and returns once its report is repaired and its sign-off task is
    /// blocked for a human.</summary>
    private async Task<(Process Run, Task<string> Stdout, Task<string> Stderr)> StartBlockedRunAsync()
    {
        var run = ConsoleProcess.Start("run", Plan, "--db", Db, "--workdir", Work);
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new System.Text.StringBuilder();
        run.ErrorDataReceived += (_, e) =>
        {
            lock (lines)
            {
                lines.AppendLine(e.Data);
                var log = lines.ToString();
                if (System.Text.RegularExpressions.Regex.IsMatch(log, @"task_blocked +sign-off") && System.Text.RegularExpressions.Regex.IsMatch(log, @"task_completed +report"))
                {
                    blocked.TrySetResult();
                }
            }
        };
        run.BeginErrorReadLine();
        var stdout = run.StandardOutput.ReadToEndAsync();
        try
        {
            await Task.WhenAny(blocked.Task, run.WaitForExitAsync()).WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(blocked.Task.IsCompleted, "the run did not block on sign-off: " + lines);
        }
        catch
        {
            Stop(run);
            run.Dispose();
            throw;
        }

        var stderr = run.WaitForExitAsync().ContinueWith(_ => { lock (lines) { return lines.ToString(); } }, TaskScheduler.Default);
        return (run, stdout, stderr);
    }

    [Fact]
    public async Task Inbox_CompleteFromASecondProcess_UnblocksTheRunningRun()
    {
        var (run, runStdout, runStderr) = await StartBlockedRunAsync();
        using var running = run;
        try
        {
            var (listCode, listOut, _) = await InboxAsync("list", "--json", "--db", Db);
            Assert.Equal(0, listCode);
            var item = Assert.Single(JsonDocument.Parse(listOut).RootElement.EnumerateArray());
            Assert.Equal("sign-off", item.GetProperty("task_id").GetString());
            Assert.Equal(2, item.GetProperty("attempts").GetInt32());
            Assert.StartsWith("Verification 'test -f signed.txt' exited with code 1", item.GetProperty("last_error").GetString(), StringComparison.Ordinal);
            Assert.Contains(item.GetProperty("history").EnumerateArray(), h => h.GetProperty("reason").GetString()?.Contains("a signature needs a person", StringComparison.Ordinal) == true);
            Assert.NotEqual(JsonValueKind.Null, item.GetProperty("deadline_at").ValueKind);
            var (textCode, text, _) = await InboxAsync("--db", Db);
            Assert.Equal(0, textCode);
            Assert.Contains("/ sign-off — Sign the report off: blocked since", text, StringComparison.Ordinal);

            var (code, stdout, stderr) = await ConsoleProcess.RunToEndAsync("inbox", "complete", "sign-off", "--reason", "signed on paper", "--actor", "alice", "--db", Db);

            Assert.True(code == 0, stderr);
            Assert.Equal("applied: Task 'sign-off' was completed by alice.", stdout.Trim());
            await run.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(run.ExitCode == 0, await runStderr);
            var summary = JsonDocument.Parse((await runStdout).Trim().Split('\n')[^1]).RootElement;
            Assert.Equal(("completed", 3), (summary.GetProperty("status").GetString(), summary.GetProperty("completed").GetInt32()));
            Assert.Equal("final\n", File.ReadAllText(Path.Combine(Work, "published.txt")));
            var log = await runStderr;
            Assert.Contains("task_escalated", log, StringComparison.Ordinal);
            Assert.Contains("L2 repair: agent 'fixer' takes over", log, StringComparison.Ordinal);
        }
        finally
        {
            Stop(run);
        }

        var (historyCode, history, _) = await RunHistoryAsync("sign-off");
        Assert.Equal(0, historyCode);
        Assert.Matches(@"blocked_hitl\s+-> completed\s+human_complete\s+alice  signed on paper", history);
    }

    [Fact]
    public async Task Inbox_DecisionWhileNoEngineRuns_IsQueued_AndResumeAppliesIt()
    {
        var (run, _, _) = await StartBlockedRunAsync();
        using (run)
        {
            Stop(run);
            await run.WaitForExitAsync();
        }

        var (code, stdout, stderr) = await InboxAsync("fail", "sign-off", "--reason", "nobody will sign", "--wait", "0", "--db", Db);
        Assert.True(code == 0, stderr);
        Assert.StartsWith("queued: decision ", stdout, StringComparison.Ordinal);
        var (_, listed, _) = await InboxAsync("list", "--db", Db);
        Assert.Contains("queued decision: fail by ", listed, StringComparison.Ordinal);

        var resumed = await ConsoleProcess.RunToEndAsync("resume", "--db", Db);

        Assert.Equal(RunCommand.WorkflowFailed, resumed.Code);
        var summary = JsonDocument.Parse(resumed.Stdout.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal(("failed", 1, 1), (summary.GetProperty("status").GetString(), summary.GetProperty("failed").GetInt32(), summary.GetProperty("cancelled").GetInt32()));
        Assert.Contains("No task is waiting for a human.", (await InboxAsync("--db", Db)).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inbox_BadInput_ExitsTwo_AndANotBlockedTask_ExitsOne()
    {
        Assert.Equal(RunCommand.BadInput, (await InboxAsync("--db", Db)).Code);
        using (var stdout = new StringWriter())
        using (var stderr = new StringWriter())
        {
            Assert.Equal(0, await RunCommand.RunAsync([Path.Combine(AppContext.BaseDirectory, "plans", "docs-pipeline.json"), "--workdir", Work, "--db", Db], stdout, stderr, CancellationToken.None));
        }

        var noReason = await InboxAsync("complete", "assemble", "--db", Db);
        var noTask = await InboxAsync("retry", "--reason", "x", "--db", Db);
        var unknownOption = await InboxAsync("list", "--reason", "x", "--db", Db);
        var engineActor = await InboxAsync("complete", "assemble", "--reason", "x", "--actor", "engine", "--workflow", "whatever", "--db", Db);
        var unknownWorkflow = await InboxAsync("complete", "assemble", "--reason", "x", "--workflow", "ghost", "--db", Db);
        var finished = await InboxAsync("list", "--json", "--db", Db);
        var workflowId = (await StatusWorkflowIdAsync())!;
        var notBlocked = await InboxAsync("complete", "assemble", "--reason", "x", "--workflow", workflowId, "--db", Db);
        var unfound = await InboxAsync("complete", "assemble", "--reason", "x", "--db", Db);

        Assert.Equal(2, noReason.Code);
        Assert.StartsWith("A decision needs --reason TEXT", noReason.Stderr, StringComparison.Ordinal);
        Assert.Equal((2, "inbox retry needs a task id."), (noTask.Code, noTask.Stderr.Split('\n')[0]));
        Assert.Equal(2, unknownOption.Code);
        Assert.Equal(2, engineActor.Code);
        Assert.Contains("Actor 'engine'", engineActor.Stderr, StringComparison.Ordinal);
        Assert.Equal((2, "Workflow 'ghost' does not exist."), (unknownWorkflow.Code, unknownWorkflow.Stderr.Trim()));
        Assert.Equal("[]", finished.Stdout.Trim());
        Assert.Equal(InboxCommand.Rejected, notBlocked.Code);
        Assert.Contains("is completed, not blocked_hitl", notBlocked.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, unfound.Code);
        Assert.Contains("pass --workflow ID", unfound.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PlanWithABadRepairObject_ExitsTwoNamingTheFields()
    {
        var plan = Path.Combine(_dir, "bad.json");
        File.WriteAllText(plan, """
            {
              "plan_id": "bad",
              "repair": { "repair_agent": "nobody", "deadline_action": "shrug", "human_deadline_seconds": -1 },
              "agents": [{ "agent_id": "a", "runner": { "kind": "process", "command": ["true"] } }],
              "items": [{ "id": "x", "title": "X", "assignee": "a", "repair": { "escalation_agent": "ghost", "escalation_attempts": 0 } }]
            }
            """);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await RunCommand.RunAsync([plan, "--db", Db], stdout, stderr, CancellationToken.None);

        Assert.Equal(RunCommand.BadInput, code);
        var text = stderr.ToString();
        Assert.Contains("repair.repair_agent: 'nobody' is not an agent_id of agents[] (a).", text, StringComparison.Ordinal);
        Assert.Contains("repair.deadline_action: 'shrug' is not one of fail, cancel, retry.", text, StringComparison.Ordinal);
        Assert.Contains("repair.human_deadline_seconds: -1 is not positive.", text, StringComparison.Ordinal);
        Assert.Contains("items[0].repair.escalation_agent: 'ghost' is not an agent_id of agents[] (a).", text, StringComparison.Ordinal);
        Assert.Contains("items[0].repair: EscalationAttempts is 0; it must be at least 1.", text, StringComparison.Ordinal);
    }

    /// <summary>Kills a run this test started, if it still runs (a failed assertion must not leave it waiting for a human).</summary>
    private static void Stop(Process run)
    {
        if (!run.HasExited)
        {
            run.Kill(entireProcessTree: true);
        }
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunHistoryAsync(string task)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await MaintenanceCommands.HistoryAsync([task, "--db", Db], stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private async Task<string?> StatusWorkflowIdAsync()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        await StatusCommand.RunAsync(["--json", "--db", Db], stdout, stderr, CancellationToken.None);
        return JsonDocument.Parse(stdout.ToString()).RootElement[0].GetProperty("workflow_id").GetString();
    }
}
