using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AgentManager.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgentManager.Tests.Dashboard;

/// <summary>The dashboard's inbox in headless Chromium against the web sample running as its own process: a plan
/// whose task fails is blocked for a human, shows in the inbox, is resolved from the page, and the workflow goes on.</summary>
public sealed class InboxDashboardTests
{
    // A guard against a hang, not a timing requirement.
    private static readonly LocatorAssertionsToHaveAttributeOptions Patient = new() { Timeout = 30_000 };
    private static readonly LocatorAssertionsToBeVisibleOptions PatientVisible = new() { Timeout = 30_000 };

    private static async Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium.Path, Headless = true, Args = ["--no-sandbox"] });

    [ChromiumFact]
    public async Task Inbox_BlockedTask_IsCompletedFromThePage_AndTheWorkflowFinishes()
    {
        await using var sample = await WebSampleProcess.StartAsync("AgentManager:Demo:StepSeconds=0.1");
        var client = sample.Client;
        object Item(string id, string prompt, int? maxAttempts = null, params string[] dependencies) =>
            new { id, title = "Step " + id, prompt, assignee = "worker", verification = "true", max_attempts = maxAttempts, dependencies };
        (await client.PostAsJsonAsync("/task-plans", new
        {
            plan_id = "release",
            items = new[] { Item("draft", "write the notes"), Item("sign", "[fail] sign the release off", 1), Item("publish", "publish", null, "draft", "sign") },
        })).EnsureSuccessStatusCode();
        (await client.PostAsync("/task-plans/release/confirm", null)).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/workflows", new { plan_id = "release", start = true })).EnsureSuccessStatusCode();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add($"{message.Text} ({message.Location})"); };
        await page.GotoAsync(new Uri(sample.BaseAddress, "/dashboard/#/inbox").ToString());

        var row = page.Locator("#inbox tr[data-workflow-id='release'][data-task-id='sign']");
        await Expect(row).ToBeVisibleAsync(PatientVisible);
        await Expect(row).ToContainTextAsync("worker was asked to fail task 'sign'");
        await Expect(page.Locator("#inbox-count")).ToHaveTextAsync("1");

        // Complete needs a reason: without one the page shows the API's refusal and the task stays blocked.
        await row.Locator("button[data-action='complete']").ClickAsync();
        await Expect(page.Locator("#error")).ToContainTextAsync("reason is required");
        await row.Locator("input.reason").FillAsync("signed on paper by the release manager");
        await row.Locator("button[data-action='complete']").ClickAsync();

        await Expect(page.Locator("#inbox-empty")).ToBeVisibleAsync(PatientVisible);
        await Expect(page.Locator("#inbox tbody tr")).ToHaveCountAsync(0);
        await page.GotoAsync(new Uri(sample.BaseAddress, "/dashboard/#/workflows/release/tasks/sign").ToString());
        await Expect(page.Locator(".node[data-task-id='sign']")).ToHaveAttributeAsync("data-state", "completed", Patient);
        await Expect(page.Locator(".node[data-task-id='publish']")).ToHaveAttributeAsync("data-state", "completed", Patient);
        await Expect(page.Locator("#workflow-status")).ToHaveAttributeAsync("data-state", "completed", Patient);
        var last = page.Locator("#transitions tbody tr").Last;
        await Expect(last).ToContainTextAsync("human_complete");
        await Expect(last).ToContainTextAsync("api");
        await Expect(last).ToContainTextAsync("signed on paper by the release manager");
        Assert.False(consoleErrors.Any(e => !e.Contains("422", StringComparison.Ordinal)), string.Join(Environment.NewLine, consoleErrors));
        var workflow = JsonNode.Parse(await client.GetStringAsync("/workflows/release"))!;
        Assert.Equal("completed", (string)workflow["status"]!);
    }

    [ChromiumFact]
    public async Task Inbox_RetryAndFailFromTheTaskPanel_ChangeTheTaskState()
    {
        await using var sample = await WebSampleProcess.StartAsync("AgentManager:Demo:StepSeconds=0.1");
        var client = sample.Client;
        (await client.PostAsJsonAsync("/workflows", new
        {
            workflow_id = "flaky",
            tasks = new object[] { new { task_id = "check", prompt = "[fail] check", agent_id = "worker", max_attempts = 1 }, new { task_id = "after", prompt = "go", agent_id = "worker", dependencies = new[] { "check" } } },
            start = true,
        })).EnsureSuccessStatusCode();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(sample.BaseAddress, "/dashboard/#/workflows/flaky/tasks/check").ToString());
        var node = page.Locator(".node[data-task-id='check']");
        await Expect(node).ToHaveAttributeAsync("data-state", "blocked_hitl", Patient);
        var panel = page.Locator("#task-decision");
        await Expect(panel).ToBeVisibleAsync(PatientVisible);

        await panel.Locator("button[data-action='retry']").ClickAsync();
        await Expect(page.Locator("#transitions tbody tr").Filter(new() { HasText = "human_retry" })).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(node).ToHaveAttributeAsync("data-state", "blocked_hitl", Patient);
        await Expect(page.Locator("#transitions tbody tr").Last).ToContainTextAsync("blocked_hitl", new() { Timeout = 30_000 });

        await panel.Locator("input.reason").FillAsync("the check cannot pass");
        await panel.Locator("button[data-action='fail']").ClickAsync();
        await Expect(node).ToHaveAttributeAsync("data-state", "failed", Patient);
        await Expect(page.Locator(".node[data-task-id='after']")).ToHaveAttributeAsync("data-state", "cancelled", Patient);
        await Expect(page.Locator("#workflow-status")).ToHaveAttributeAsync("data-state", "failed", Patient);
        await Expect(panel).ToBeHiddenAsync();
    }
}
