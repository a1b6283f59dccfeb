using System.Net.Http.Json;
using AgentManager.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgentManager.Tests.Dashboard;

/// <summary>The dashboard's schedules in headless Chromium against the web sample process: pause and resume.</summary>
public sealed class SchedulesDashboardTests
{
    [ChromiumFact]
    public async Task Schedules_PauseAndResumeFromThePage_ChangeTheStoredSchedule()
    {
        await using var sample = await WebSampleProcess.StartAsync();
        (await sample.Client.PostAsJsonAsync("/schedules", new
        {
            schedule_id = "hourly",
            interval_seconds = 3600,
            plan = new { items = new[] { new { id = "report", title = "Report", assignee = "worker" } } },
        })).EnsureSuccessStatusCode();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium.Path, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(sample.BaseAddress, "/dashboard/#/schedules").ToString());

        var row = page.Locator("#schedules tr[data-schedule-id='hourly']");
        await Expect(row).ToContainTextAsync("every 3600 s");
        await Expect(row).ToContainTextAsync("active");
        await row.Locator("button[data-action='pause']").ClickAsync();
        await Expect(row.Locator("button[data-action='resume']")).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync("paused");
        Assert.Contains("\"paused\":true", await sample.Client.GetStringAsync("/schedules/hourly"), StringComparison.Ordinal);

        await row.Locator("button[data-action='resume']").ClickAsync();
        await Expect(row).ToContainTextAsync("active");
        Assert.Contains("\"paused\":false", await sample.Client.GetStringAsync("/schedules/hourly"), StringComparison.Ordinal);
    }
}
