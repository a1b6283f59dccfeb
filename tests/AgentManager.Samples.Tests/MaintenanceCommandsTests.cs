using AgentManager.Samples.Console;

namespace AgentManager.Samples.Tests;

public sealed class MaintenanceCommandsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "agentmanager-maintenance-tests", Guid.NewGuid().ToString("N"));

    public MaintenanceCommandsTests() => Directory.CreateDirectory(_dir);

    private string Db => Path.Combine(_dir, "state.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task RunSamplePlanAsync()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await RunCommand.RunAsync([Path.Combine(AppContext.BaseDirectory, "plans", "docs-pipeline.json"), "--workdir", Path.Combine(_dir, "run"), "--db", Db], stdout, stderr, CancellationToken.None);
        Assert.Equal(0, code);
    }

    [Fact]
    public async Task History_Task_PrintsItsTransitions()
    {
        await RunSamplePlanAsync();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await MaintenanceCommands.HistoryAsync(["assemble", "--db", Db], stdout, stderr, CancellationToken.None);

        Assert.Equal(0, code);
        var text = stdout.ToString();
        Assert.Contains("/ assemble: completed after 1 attempt(s)", text, StringComparison.Ordinal);
        Assert.Contains("pending        -> ready", text, StringComparison.Ordinal);
        Assert.Contains("verifying      -> completed", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_UnknownTask_ExitsTwo()
    {
        await RunSamplePlanAsync();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await MaintenanceCommands.HistoryAsync(["ghost", "--db", Db], stdout, stderr, CancellationToken.None);

        Assert.Equal(2, code);
        Assert.Contains("No stored workflow has a task 'ghost'", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purge_OlderThanZero_RemovesTheFinishedRun()
    {
        await RunSamplePlanAsync();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await MaintenanceCommands.PurgeAsync(["--older-than", "0s", "--db", Db], stdout, stderr, CancellationToken.None);
        var keep = await MaintenanceCommands.PurgeAsync(["--older-than", "30d", "--db", Db], stdout, stderr, CancellationToken.None);

        Assert.Equal((0, 0), (code, keep));
        Assert.Contains("Purged 1 workflow(s)", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("Purged 0 workflow(s)", stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30d", 30 * 24 * 60)]
    [InlineData("12h", 12 * 60)]
    [InlineData("45m", 45)]
    [InlineData("1.5h", 90)]
    [InlineData("01:00:00", 60)]
    public void TryParseAge_KnownUnits_Parse(string value, double minutes)
    {
        Assert.True(MaintenanceCommands.TryParseAge(value, out var age));
        Assert.Equal(minutes, age.TotalMinutes, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ten days")]
    [InlineData("-5d")]
    [InlineData("5w")]
    public void TryParseAge_Malformed_Refused(string value) => Assert.False(MaintenanceCommands.TryParseAge(value, out _));

    [Fact]
    public async Task Purge_WithoutAge_ExitsTwoWithUsage()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await MaintenanceCommands.PurgeAsync(["--db", Db], stdout, stderr, CancellationToken.None);

        Assert.Equal(2, code);
        Assert.Contains("purge needs --older-than AGE", stderr.ToString(), StringComparison.Ordinal);
    }
}
