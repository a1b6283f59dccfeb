using AgentManager.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgentManager.Tests.Dashboard;

/// <summary>The dashboard in headless Chromium against a real Kestrel host: a confirmed plan runs and the page shows
/// its tasks change state live, then a task's transitions and output.</summary>
public sealed class DashboardTests
{
    // A guard against a hang, not a timing requirement.
    private static readonly LocatorAssertionsToHaveAttributeOptions Patient = new() { Timeout = 30_000 };

    [ChromiumFact]
    public async Task Dashboard_ShowsAPlanRun_WithLiveTaskStates_AndTaskDetails()
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Kestrel = true, GatedWorker = true });
        var gates = api.Services.GetRequiredService<Gates>();
        object Item(string id, params string[] dependencies) => new { id, title = "Step " + id, assignee = "worker", verification = "true", dependencies };
        await api.PostJsonAsync("/task-plans", new { plan_id = "release", items = new[] { Item("build"), Item("test", "build"), Item("docs", "build"), Item("ship", "test", "docs") } }, HttpStatusCode.Created);
        await api.PostJsonAsync("/task-plans/release/confirm", null, HttpStatusCode.OK);
        await api.PostJsonAsync("/workflows", new { plan_id = "release" }, HttpStatusCode.Created);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium.Path, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add($"{message.Text} ({message.Location})"); };
        await page.GotoAsync(new Uri(api.Client.BaseAddress!, "/dashboard").ToString());

        var row = page.Locator("#workflows tr[data-workflow-id='release']");
        await Expect(row).ToContainTextAsync("created");
        await row.ClickAsync();
        var node = (string id) => page.Locator($".node[data-task-id='{id}']");
        await Expect(node("build")).ToHaveAttributeAsync("data-state", "pending");
        await Expect(page.Locator(".node")).ToHaveCountAsync(4);

        await page.ClickAsync("#start");
        await Expect(node("build")).ToHaveAttributeAsync("data-state", "implementing", Patient);
        await Expect(page.Locator("#workflow-status")).ToHaveTextAsync("running");
        gates.Open("release", "build");
        await Expect(node("build")).ToHaveAttributeAsync("data-state", "completed", Patient);
        await Expect(node("test")).ToHaveAttributeAsync("data-state", "implementing", Patient);
        await Expect(node("docs")).ToHaveAttributeAsync("data-state", "implementing", Patient);
        await Expect(node("ship")).ToHaveAttributeAsync("data-state", "pending");

        await node("build").ClickAsync();
        await Expect(page.Locator("#output-tail")).ToHaveTextAsync("gated: build passed its gate");
        await Expect(page.Locator("#transitions tbody tr")).ToHaveCountAsync(4);
        await Expect(page.Locator("#transitions tbody tr").Last).ToContainTextAsync("verification_passed");

        foreach (var id in new[] { "test", "docs", "ship" })
        {
            gates.Open("release", id);
        }

        await Expect(node("ship")).ToHaveAttributeAsync("data-state", "completed", Patient);
        await Expect(page.Locator("#workflow-status")).ToHaveAttributeAsync("data-state", "completed", Patient);
        Assert.True(consoleErrors.Count == 0, string.Join(Environment.NewLine, consoleErrors));
    }

    [ChromiumFact]
    public async Task Dashboard_WithABearerToken_AsksForIt_ThenShowsTheWorkflows()
    {
        await using var api = await TestApi.StartAsync(new TestApiOptions { Kestrel = true, Api = o => o.BearerToken = "open-sesame" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/workflows") { Content = System.Net.Http.Json.JsonContent.Create(new { workflow_id = "secret-wf", tasks = new[] { new { task_id = "a", agent_id = "echo" } } }) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "open-sesame");
        (await api.Client.SendAsync(request)).EnsureSuccessStatusCode();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium.Path, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(api.Client.BaseAddress!, "/dashboard/").ToString());

        await Expect(page.Locator("#token-form")).ToBeVisibleAsync();
        await page.FillAsync("#token", "open-sesame");
        await page.ClickAsync("#token-form button");

        await Expect(page.Locator("#workflows tr[data-workflow-id='secret-wf']")).ToBeVisibleAsync();
        await Expect(page.Locator("#error")).ToBeHiddenAsync();
    }
}
