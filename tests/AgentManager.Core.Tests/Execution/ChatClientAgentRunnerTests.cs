using System.Diagnostics.Metrics;
using AgentManager.Diagnostics;
using AgentManager.Execution;
using AgentManager.Tests.Workflows;
using AgentManager.Workflows;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using static AgentManager.Tests.Execution.TestAgents;

namespace AgentManager.Tests.Execution;

public sealed class ChatClientAgentRunnerTests
{
    [Fact]
    public async Task RunAsync_Answer_IsTheOutputWithItsTokensAndPricedCostAsUsage()
    {
        var client = ScriptedChatClient.Answering("the summary", inputTokens: 120, outputTokens: 30);
        var configured = new ChatOptions { ModelId = "model-1", Instructions = "You write summaries." };
        var runner = new ChatClientAgentRunner(client, new ChatClientAgentOptions
        {
            ChatOptions = configured,
            Pricing = usage => (usage.InputTokenCount ?? 0) * 0.001m + (usage.OutputTokenCount ?? 0) * 0.002m,
        });

        var result = await runner.RunAsync(Invocation(prompt: "Summarize the log."), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("the summary", result.Output);
        Assert.Equal(new AgentUsage { InputTokens = 120, OutputTokens = 30, Cost = 0.18m }, result.Usage);
        var (messages, sent) = Assert.Single(client.Requests);
        var message = Assert.Single(messages);
        Assert.Equal((ChatRole.User, "Summarize the log."), (message.Role, message.Text));
        Assert.Equal(("model-1", "You write summaries."), (sent!.ModelId, sent.Instructions));
        Assert.NotSame(configured, sent); // a copy per run: a client that changes it changes no other run
    }

    [Fact]
    public async Task RunAsync_ClientChangesTheOptionsItGets_NextRunStillSendsTheConfiguredOnes()
    {
        var seen = new List<float?>();
        var client = new ScriptedChatClient((_, options, _) =>
        {
            seen.Add(options!.Temperature);
            options.Temperature = 9f;
            return Task.FromResult(ScriptedChatClient.Response("ok"));
        });
        var runner = new ChatClientAgentRunner(client, new ChatClientAgentOptions { ChatOptions = new ChatOptions { ModelId = "m" } });

        await runner.RunAsync(Invocation(prompt: "one"), CancellationToken.None);
        await runner.RunAsync(Invocation(prompt: "two"), CancellationToken.None);

        Assert.Equal([null, null], seen);
    }

    [Fact]
    public async Task RunAsync_Retry_SaysOnceWhyThePreviousAttemptFailed()
    {
        var client = ScriptedChatClient.Answering("fixed");
        var runner = new ChatClientAgentRunner(client);

        await runner.RunAsync(Invocation(prompt: "Fix the build.", previousError: "3 tests failed"), CancellationToken.None);
        await runner.RunAsync(Invocation(prompt: "Fix the build.\n\nAttempt 1 of this task failed: 3 tests failed", previousError: "3 tests failed"), CancellationToken.None);

        var requests = client.Requests.ToArray();
        Assert.Equal(["Fix the build.", "Attempt 1 of this task failed: 3 tests failed"], requests[0].Messages.Select(m => m.Text));
        Assert.Single(requests[1].Messages); // the prompt already says it (an agent with a profile)
    }

    public static TheoryData<string, string> CutFinishes => new()
    {
        { "length", "The response stopped at the output token limit (ChatOptions.MaxOutputTokens or the model's own)." },
        { "content_filter", "The model's content filter stopped the response." },
    };

    [Theory]
    [MemberData(nameof(CutFinishes))]
    public async Task RunAsync_CutOrFilteredResponse_FailsKeepingTheTextAndTheTokens(string finish, string error)
    {
        var client = ScriptedChatClient.Answering("half an ans", inputTokens: 10, outputTokens: 4, finish: new ChatFinishReason(finish));

        var result = await new ChatClientAgentRunner(client).RunAsync(Invocation(prompt: "p"), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal((error, "half an ans"), (result.Error, result.Output));
        Assert.Equal(new AgentUsage { InputTokens = 10, OutputTokens = 4 }, result.Usage);
    }

    [Fact]
    public async Task RunAsync_ClientThrows_FailsNamingTheException()
    {
        var client = new ScriptedChatClient((_, _, _) => throw new HttpRequestException("429 Too Many Requests"));

        var result = await new ChatClientAgentRunner(client).RunAsync(Invocation(prompt: "p"), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal("Chat client threw System.Net.Http.HttpRequestException: 429 Too Many Requests", result.Error);
        Assert.Null(result.Usage);
    }

    [Fact]
    public async Task RunAsync_RunCancelledWhileTheModelAnswers_Propagates()
    {
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var client = new ScriptedChatClient(async (_, _, ct) =>
        {
            asked.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return ScriptedChatClient.Response("never");
        });
        using var cancel = new CancellationTokenSource();

        var run = new ChatClientAgentRunner(client).RunAsync(Invocation(prompt: "p"), cancel.Token).AsTask();
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Constructor_NoClient_ThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>("client", () => new ChatClientAgentRunner(null!));

    [Fact]
    public async Task AddChatClientAgent_WorkflowRunsThroughTheHostsChatClientAndCountsItsTokens()
    {
        var client = ScriptedChatClient.Answering("done", inputTokens: 50, outputTokens: 5);
        var keyed = ScriptedChatClient.Answering("reviewed", inputTokens: 7, outputTokens: 1);
        await using var fixture = new EngineFixture(agents: b =>
        {
            b.Services.AddSingleton<IChatClient>(client);
            b.Services.AddKeyedSingleton<IChatClient>("review-model", keyed);
            b.AddChatClientAgent("writer", o => o.ChatOptions = new ChatOptions { ModelId = "writer-model" });
            b.AddChatClientAgent("reviewer", services => services.GetRequiredKeyedService<IChatClient>("review-model"));
        });
        var workflow = new WorkflowDefinition { DefaultAgentId = "writer" };
        workflow.Tasks.Add(new TaskDefinition("draft") { Prompt = "Draft the notes." });
        workflow.Tasks.Add(new TaskDefinition("review") { Prompt = "Review the notes.", AgentId = "reviewer", Dependencies = { "draft" } });

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        Assert.Equal("Draft the notes.", Assert.Single(Assert.Single(client.Requests).Messages).Text);
        Assert.Equal("Review the notes.", Assert.Single(Assert.Single(keyed.Requests).Messages).Text);
        Assert.Equal(new AgentUsage { InputTokens = 57, OutputTokens = 6 }, summary.Usage);
    }

    [Fact]
    public async Task AddChatClientAgent_HostWithoutAChatClient_CreateSaysWhichAgentNeedsOne()
    {
        await using var fixture = new EngineFixture(agents: b => b.AddChatClientAgent("writer"));
        var workflow = new WorkflowDefinition { DefaultAgentId = "writer" };
        workflow.Tasks.Add(new TaskDefinition("draft"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Engine.CreateAsync(workflow));

        Assert.StartsWith("Agent 'writer' asks the host's IChatClient service, and none is registered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ReportedUsage_IsCountedInTheMetricsPerAgentAndTokenType()
    {
        var tokens = new List<(string Agent, string Type, long Value)>();
        var cost = new List<(string Agent, double Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == AgentManagerDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == AgentManagerDiagnostics.AgentTokens && Tag(tags, AgentManagerDiagnostics.AgentIdTag) is "metered-writer" or "metered-reviewer")
            {
                lock (tokens)
                {
                    tokens.Add((Tag(tags, AgentManagerDiagnostics.AgentIdTag)!, Tag(tags, AgentManagerDiagnostics.TokenTypeTag)!, value));
                }
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == AgentManagerDiagnostics.AgentCost && Tag(tags, AgentManagerDiagnostics.AgentIdTag) is "metered-writer" or "metered-reviewer")
            {
                lock (cost)
                {
                    cost.Add((Tag(tags, AgentManagerDiagnostics.AgentIdTag)!, value));
                }
            }
        });
        listener.Start();
        await using var fixture = new EngineFixture(agents: b => b
            .AddChatClientAgent("metered-writer", _ => ScriptedChatClient.Answering("draft", inputTokens: 100, outputTokens: 20), o => o.Pricing = usage => 0.5m)
            .AddChatClientAgent("metered-reviewer", _ => ScriptedChatClient.Answering("ok", inputTokens: 30, outputTokens: 0)));
        var workflow = new WorkflowDefinition { DefaultAgentId = "metered-writer" };
        workflow.Tasks.Add(new TaskDefinition("draft"));
        workflow.Tasks.Add(new TaskDefinition("review") { AgentId = "metered-reviewer", Dependencies = { "draft" } });

        var summary = await fixture.RunAsync(workflow);

        Assert.Equal(WorkflowStatus.Completed, summary.Status);
        lock (tokens)
        {
            Assert.Equal(
                [("metered-reviewer", "input", 30L), ("metered-writer", "input", 100L), ("metered-writer", "output", 20L)],
                tokens.Order());
        }

        lock (cost)
        {
            Assert.Equal([("metered-writer", 0.5)], cost);
        }
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
