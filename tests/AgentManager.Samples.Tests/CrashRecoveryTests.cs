using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace AgentManager.Samples.Tests;

/// <summary>The console sample is killed with SIGKILL at random points while it runs a 200-task plan on
/// the SQLite store, restarted with <c>resume</c> each time, and must finish with every task completed once.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "agentmanager-crash-tests", Guid.NewGuid().ToString("N"));

    public CrashRecoveryTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task RunKilledFiveTimes_ResumesToCompletionWithEveryTaskCompletedExactlyOnce()
    {
        var plan = WritePlan(layers: 20, width: 10);
        var db = Path.Combine(_dir, "state.db");
        var random = new Random(20261129);
        var kills = 0;
        var exited = await RunAndMaybeKillAsync(["run", plan, "--db", db, "--workdir", Path.Combine(_dir, "work"), "--concurrency", "4"], random, () => kills++);
        while (kills < 5 && exited is null)
        {
            exited = await RunAndMaybeKillAsync(["resume", "--db", db, "--concurrency", "4"], random, () => kills++);
        }

        var final = exited ?? await RunToEndAsync(["resume", "--db", db, "--concurrency", "4"]);

        Assert.True(kills >= 5, $"the plan finished after {kills} kills; make it longer");
        Assert.Equal(0, final.Code);
        Assert.Equal("completed", JsonDocument.Parse(final.Stdout.Trim().Split('\n')[^1]).RootElement.GetProperty("status").GetString());
        await using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        await connection.OpenAsync();
        Assert.Equal(200, await ScalarAsync(connection, "SELECT COUNT(DISTINCT task_id) FROM transitions WHERE to_state = 'completed'"));
        Assert.Equal(200, await ScalarAsync(connection, "SELECT COUNT(*) FROM transitions WHERE to_state = 'completed'"));
        Assert.Equal(200, await ScalarAsync(connection, "SELECT COUNT(*) FROM events WHERE type = 'task_completed'"));
        Assert.Equal(200, await ScalarAsync(connection, "SELECT COUNT(DISTINCT task_id) FROM events WHERE type = 'task_completed'"));
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT COUNT(*) FROM transitions s JOIN transitions c ON s.workflow_id = c.workflow_id AND s.task_id = c.task_id
            WHERE c.to_state = 'completed' AND s.trigger_name = 'start' AND s.id > c.id
            """));
        Assert.Equal(200, await ScalarAsync(connection, "SELECT COUNT(*) FROM tasks WHERE state = 'completed'"));
        Assert.True(await ScalarAsync(connection, "SELECT COUNT(*) FROM transitions WHERE trigger_name = 'lease_expired'") >= 1, "no interrupted attempt was reclaimed");
    }

    [Fact]
    public async Task TwoResumesStartedAtOnce_AfterAKill_OneRunsTheWorkflowAndEveryTaskCompletesExactlyOnce()
    {
        // 60 tasks in 20 layers (at least 4 s): long enough that the kill lands mid-run even when a loaded machine hands
        // the first task_started line to the test late (10 layers once finished before the kill under load).
        var plan = WritePlan(layers: 20, width: 3);
        var db = Path.Combine(_dir, "state.db");
        var random = new Random(20261130);
        string[] run = ["run", plan, "--db", db, "--workdir", Path.Combine(_dir, "work"), "--concurrency", "4"];
        var exited = await RunAndMaybeKillAsync(run, random, () => { });
        Assert.Null(exited);
        var status = await ConsoleProcess.RunToEndAsync(["status", "--json", "--db", db]);
        var workflow = Assert.Single(JsonDocument.Parse(status.Stdout).RootElement.EnumerateArray());
        Assert.True(workflow.GetProperty("lease").ValueKind == JsonValueKind.Object, $"the killed run holds no lease: {status.Stdout}");
        var lease = workflow.GetProperty("lease");
        Assert.StartsWith(Environment.MachineName + "/", lease.GetProperty("owner").GetString(), StringComparison.Ordinal);
        Assert.True(lease.GetProperty("fencing_token").GetInt64() >= 1);

        string[] resume = ["resume", "--db", db, "--concurrency", "4"];
        var both = await Task.WhenAll(ConsoleProcess.RunToEndAsync(resume), ConsoleProcess.RunToEndAsync(resume));

        Assert.All(both, r => Assert.Equal(0, r.Code));
        var summaries = both.Select(r => r.Stdout.Trim()).Where(o => o.Length > 0).ToArray();
        var summary = Assert.Single(summaries);
        Assert.Equal("completed", JsonDocument.Parse(summary.Split('\n')[^1]).RootElement.GetProperty("status").GetString());
        await using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        await connection.OpenAsync();
        Assert.Equal(60, await ScalarAsync(connection, "SELECT COUNT(*) FROM transitions WHERE to_state = 'completed'"));
        Assert.Equal(60, await ScalarAsync(connection, "SELECT COUNT(DISTINCT task_id) FROM transitions WHERE to_state = 'completed'"));
        Assert.Equal(60, await ScalarAsync(connection, "SELECT COUNT(*) FROM events WHERE type = 'task_completed'"));
        Assert.Equal(0, await ScalarAsync(connection, """
            SELECT COUNT(*) FROM transitions s JOIN transitions c ON s.workflow_id = c.workflow_id AND s.task_id = c.task_id
            WHERE c.to_state = 'completed' AND s.trigger_name = 'start' AND s.id > c.id
            """));
        Assert.Equal(0, await ScalarAsync(connection, "SELECT COUNT(*) FROM workflows WHERE lease_owner IS NOT NULL"));
    }

    private string WritePlan(int layers, int width)
    {
        var items = new List<object>();
        for (var layer = 0; layer < layers; layer++)
        {
            for (var j = 0; j < width; j++)
            {
                items.Add(new
                {
                    id = $"t{layer}-{j}",
                    title = $"Task {layer}-{j}",
                    assignee = "sleeper",
                    max_attempts = 10,
                    verification = "true",
                    dependencies = layer == 0 ? Array.Empty<string>() : [$"t{layer - 1}-{j}"],
                });
            }
        }

        var path = Path.Combine(_dir, "plan.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            plan_id = "crash",
            agents = new[] { new { agent_id = "sleeper", runner = new { kind = "process", command = new[] { "sh", "-c", "sleep 0.2" } } } },
            items,
        }));
        return path;
    }

    /// <summary>Starts the sample and, once it has started a task, kills it with SIGKILL after a random
    /// delay, unless it exits first.</summary>
    private static async Task<(int Code, string Stdout)?> RunAndMaybeKillAsync(string[] args, Random random, Action killed)
    {
        using var process = ConsoleProcess.Start(args);
        var working = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("task_started", StringComparison.Ordinal) == true)
            {
                working.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var exit = process.WaitForExitAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await Task.WhenAny(working.Task, exit).WaitAsync(patience.Token);
        if (!exit.IsCompleted)
        {
            await Task.WhenAny(Task.Delay(random.Next(200, 1000)), exit);
        }

        if (exit.IsCompleted)
        {
            return (process.ExitCode, await stdout);
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        killed();
        return null;
    }

    private static async Task<(int Code, string Stdout)> RunToEndAsync(string[] args)
    {
        var (code, stdout, _) = await ConsoleProcess.RunToEndAsync(args);
        return (code, stdout);
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
