using System.Collections.Concurrent;
using System.Diagnostics;
using AgentManager.Diagnostics;
using AgentManager.Tests.Workflows;
using AgentManager.Workflows;

namespace AgentManager.Tests.Diagnostics;

public sealed class TracingTests
{
    [Fact]
    public async Task Run_EmitsAWorkflowSpanAndOneChildSpanPerAttempt()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AgentManagerDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var workflow = EngineFixture.Workflow(EngineFixture.NoOp, EngineFixture.Task("a"), EngineFixture.Task("b", "a"));
        workflow.Id = "traced-wf";
        await using var fixture = new EngineFixture();

        await fixture.RunAsync(workflow);
        // An attempt's span ends just after the worker reports, so it may stop after the workflow's.
        await WorkflowEngineTests.WaitUntilAsync(() =>
            spans.Any(s => s.OperationName == "workflow.run" && Equals(s.GetTagItem("agentmanager.workflow.id"), "traced-wf"))
            && spans.Count(s => s.OperationName == "task.attempt" && Equals(s.GetTagItem("agentmanager.workflow.id"), "traced-wf")) == 2);

        var root = spans.Single(s => s.OperationName == "workflow.run" && Equals(s.GetTagItem("agentmanager.workflow.id"), "traced-wf"));
        var attempts = spans.Where(s => s.OperationName == "task.attempt" && Equals(s.GetTagItem("agentmanager.workflow.id"), "traced-wf")).ToList();
        Assert.Equal(["a", "b"], attempts.Select(s => (string)s.GetTagItem("agentmanager.task.id")!).Order());
        Assert.All(attempts, s => Assert.Equal(root.TraceId, s.TraceId));
        Assert.All(attempts, s => Assert.Equal(root.SpanId, s.ParentSpanId));
        Assert.Equal("completed", root.GetTagItem("agentmanager.workflow.status"));
    }
}
