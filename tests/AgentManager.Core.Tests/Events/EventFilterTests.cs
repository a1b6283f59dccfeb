using AgentManager.Events;

namespace AgentManager.Tests.Events;

public sealed class EventFilterTests
{
    private static readonly WorkflowEvent Created = new(EventTypes.WorkflowCreated, "wf-1", EventTestKit.Epoch);
    private static readonly WorkflowEvent OtherWorkflow = new(EventTypes.WorkflowCreated, "wf-2", EventTestKit.Epoch);
    private static readonly NumberedEvent Numbered = new(1);

    [Fact]
    public void Matches_AllFilter_MatchesEveryEvent()
    {
        Assert.True(EventFilter.All.Matches(Created));
        Assert.True(EventFilter.All.Matches(OtherWorkflow));
        Assert.True(EventFilter.All.Matches(Numbered));
        Assert.Null(EventFilter.All.WorkflowId);
        Assert.Empty(EventFilter.All.Types);
    }

    [Fact]
    public void Matches_WorkflowFilter_MatchesOnlyThatWorkflow()
    {
        var filter = new EventFilter("wf-1");

        Assert.True(filter.Matches(Created));
        Assert.False(filter.Matches(OtherWorkflow));
    }

    [Fact]
    public void Matches_ExactType_MatchesOnlyThatType()
    {
        var filter = new EventFilter(types: [EventTypes.WorkflowCreated]);

        Assert.True(filter.Matches(Created));
        Assert.False(filter.Matches(new WorkflowEvent(EventTypes.WorkflowCompleted, "wf-1", EventTestKit.Epoch)));
        Assert.False(filter.Matches(Numbered));
    }

    [Fact]
    public void Matches_PrefixWildcard_MatchesTheFamily()
    {
        var filter = new EventFilter(types: ["workflow_*"]);

        Assert.True(filter.Matches(Created));
        Assert.True(filter.Matches(new WorkflowEvent(EventTypes.WorkflowFailed, "wf-1", EventTestKit.Epoch, "boom")));
        Assert.False(filter.Matches(Numbered));
    }

    [Fact]
    public void Matches_StarPattern_MatchesEveryType()
    {
        var filter = new EventFilter(types: ["task_completed", "*"]);

        Assert.True(filter.Matches(Created));
        Assert.True(filter.Matches(Numbered));
    }

    [Fact]
    public void Matches_WorkflowAndTypes_MustBothMatch()
    {
        var filter = new EventFilter("wf-2", ["numbered", "task_*"]);

        Assert.False(filter.Matches(Numbered));
        Assert.True(filter.Matches(new NumberedEvent(2, "wf-2")));
        Assert.False(filter.Matches(OtherWorkflow));
    }

    [Fact]
    public void Types_DuplicatePatterns_KeptOnceInOrder()
    {
        var filter = new EventFilter(types: ["task_*", "workflow_created", "task_*"]);

        Assert.Equal(["task_*", "workflow_created"], filter.Types);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("*task")]
    [InlineData("task_*_x")]
    [InlineData("**")]
    public void Constructor_MalformedPattern_ThrowsArgumentException(string pattern)
    {
        var ex = Assert.Throws<ArgumentException>(() => new EventFilter(types: [pattern]));

        Assert.Equal("types", ex.ParamName);
    }

    [Fact]
    public void Constructor_InvalidWorkflowId_ThrowsArgumentException() =>
        Assert.Throws<ArgumentException>(() => new EventFilter("bad id"));
}
