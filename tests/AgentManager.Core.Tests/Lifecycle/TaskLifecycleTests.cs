using AgentManager.Lifecycle;
using CsCheck;

namespace AgentManager.Tests.Lifecycle;

public sealed class TaskLifecycleTests
{
    private const string Human = "alice";
    private const string Why = "checked by hand";
    private static readonly DateTimeOffset At = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static TheoryData<TaskState, TaskTrigger, TaskState> AllRules()
    {
        var data = new TheoryData<TaskState, TaskTrigger, TaskState>();
        foreach (var rule in TaskLifecycle.Rules)
        {
            data.Add(rule.From, rule.Trigger, rule.To);
        }

        return data;
    }

    public static TheoryData<TaskState, TaskTrigger> AllRefusedPairs()
    {
        var data = new TheoryData<TaskState, TaskTrigger>();
        foreach (var from in Enum.GetValues<TaskState>())
        {
            foreach (var trigger in Enum.GetValues<TaskTrigger>())
            {
                if (!TaskLifecycle.Rules.Any(r => r.From == from && r.Trigger == trigger))
                {
                    data.Add(from, trigger);
                }
            }
        }

        return data;
    }

    [Fact]
    public void Rules_Always_AreExactlyTheSpecifiedTable()
    {
        LifecycleRule[] expected =
        [
            new(TaskState.Pending, TaskTrigger.DependenciesMet, TaskState.Ready),
            new(TaskState.Pending, TaskTrigger.Block, TaskState.BlockedHitl),
            new(TaskState.Pending, TaskTrigger.Cancel, TaskState.Cancelled),
            new(TaskState.Ready, TaskTrigger.Start, TaskState.Implementing),
            new(TaskState.Ready, TaskTrigger.GiveUp, TaskState.Failed),
            new(TaskState.Ready, TaskTrigger.Block, TaskState.BlockedHitl),
            new(TaskState.Ready, TaskTrigger.Cancel, TaskState.Cancelled),
            new(TaskState.Implementing, TaskTrigger.ImplementationSucceeded, TaskState.Verifying),
            new(TaskState.Implementing, TaskTrigger.AttemptFailed, TaskState.BlockedRepair),
            new(TaskState.Implementing, TaskTrigger.Block, TaskState.BlockedHitl),
            new(TaskState.Implementing, TaskTrigger.Cancel, TaskState.Cancelled),
            new(TaskState.Implementing, TaskTrigger.LeaseExpired, TaskState.Ready),
            new(TaskState.Verifying, TaskTrigger.VerificationPassed, TaskState.Completed),
            new(TaskState.Verifying, TaskTrigger.AttemptFailed, TaskState.BlockedRepair),
            new(TaskState.Verifying, TaskTrigger.Block, TaskState.BlockedHitl),
            new(TaskState.Verifying, TaskTrigger.Cancel, TaskState.Cancelled),
            new(TaskState.Verifying, TaskTrigger.LeaseExpired, TaskState.Ready),
            new(TaskState.Failed, TaskTrigger.HumanComplete, TaskState.Completed),
            new(TaskState.BlockedRepair, TaskTrigger.Retry, TaskState.Ready),
            new(TaskState.BlockedRepair, TaskTrigger.GiveUp, TaskState.Failed),
            new(TaskState.BlockedRepair, TaskTrigger.Block, TaskState.BlockedHitl),
            new(TaskState.BlockedRepair, TaskTrigger.Cancel, TaskState.Cancelled),
            new(TaskState.BlockedHitl, TaskTrigger.Retry, TaskState.Ready),
            new(TaskState.BlockedHitl, TaskTrigger.GiveUp, TaskState.Failed),
            new(TaskState.BlockedHitl, TaskTrigger.HumanRetry, TaskState.Ready),
            new(TaskState.BlockedHitl, TaskTrigger.HumanComplete, TaskState.Completed),
            new(TaskState.BlockedHitl, TaskTrigger.HumanFail, TaskState.Failed),
            new(TaskState.BlockedHitl, TaskTrigger.Cancel, TaskState.Cancelled),
        ];

        Assert.Equal(expected, TaskLifecycle.Rules);
    }

    [Fact]
    public void Rules_DocumentedTable_EqualsRulesExactly()
    {
        var documented = ReadDocumentedTable(RepositoryFiles.PathOf("docs/lifecycle.md"));

        Assert.Equal(TaskLifecycle.Rules, documented);
    }

    /// <summary>The transitions are table look-ups; the Stateless machine stays the definition. Firing a
    /// real machine for every (state, trigger) pair must agree with the table, refusals included.</summary>
    [Fact]
    public void Transition_EveryStateTriggerPair_AgreesWithFiringTheStatelessMachine()
    {
        foreach (var from in Enum.GetValues<TaskState>())
        {
            foreach (var trigger in Enum.GetValues<TaskTrigger>())
            {
                var state = from;
                var machine = LifecycleMachine.Create(() => state, s => state = s);
                var statelessAllows = machine.CanFire(trigger);
                if (statelessAllows)
                {
                    machine.Fire(trigger);
                }

                if (statelessAllows)
                {
                    Assert.Equal(state, Fire(from, trigger).To);
                }
                else
                {
                    Assert.Throws<InvalidTransitionException>(() => Fire(from, trigger));
                }

                Assert.Equal(statelessAllows, TaskLifecycle.CanFire(from, trigger));
            }
        }
    }

    [Fact]
    public void TransitionOfValidIds_EveryStateTriggerPair_BehavesLikeTransition()
    {
        foreach (var from in Enum.GetValues<TaskState>())
        {
            foreach (var trigger in Enum.GetValues<TaskTrigger>())
            {
                if (TaskLifecycle.CanFire(from, trigger))
                {
                    Assert.Equal(Fire(from, trigger), TaskLifecycle.TransitionOfValidIds("wf-1", "build", from, trigger, 2, At, Human, Why));
                }
                else
                {
                    Assert.Throws<InvalidTransitionException>(() => TaskLifecycle.TransitionOfValidIds("wf-1", "build", from, trigger, 2, At, Human, Why));
                }
            }
        }

        Assert.Throws<ArgumentException>(() => TaskLifecycle.TransitionOfValidIds("wf-1", "build", TaskState.BlockedHitl, TaskTrigger.HumanRetry, 2, At));
    }

    [Theory]
    [MemberData(nameof(AllRules))]
    public void Transition_EveryRule_FiresToItsDestination(TaskState from, TaskTrigger trigger, TaskState to)
    {
        var transition = Fire(from, trigger);

        Assert.Equal(new TaskTransition("wf-1", "build", from, to, trigger, Why, Human, 2, At), transition);
        Assert.True(TaskLifecycle.CanFire(from, trigger));
    }

    [Theory]
    [MemberData(nameof(AllRefusedPairs))]
    public void Transition_EveryPairOutsideTheTable_ThrowsInvalidTransitionNamingBothStates(TaskState from, TaskTrigger trigger)
    {
        var ex = Assert.Throws<InvalidTransitionException>(() => Fire(from, trigger));

        Assert.False(TaskLifecycle.CanFire(from, trigger));
        Assert.Equal("build", ex.TaskId);
        Assert.Equal(from, ex.From);
        Assert.Equal(TaskLifecycle.DestinationOf(trigger), ex.To);
        Assert.Equal(trigger, ex.Trigger);
        Assert.Contains($"from '{from.ToWireName()}' to '{ex.To.ToWireName()}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"(trigger '{trigger.ToWireName()}')", ex.Message, StringComparison.Ordinal);
        Assert.All(TaskLifecycle.PermittedTriggers(from), allowed => Assert.Contains($"'{allowed.ToWireName()}'", ex.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Transition_FromCompleted_MessageSaysNoTriggerIsAllowed()
    {
        var ex = Assert.Throws<InvalidTransitionException>(() => Fire(TaskState.Completed, TaskTrigger.HumanFail));

        Assert.Equal(
            "Task 'build' cannot move from 'completed' to 'failed' (trigger 'human_fail'); from 'completed' no trigger is allowed.",
            ex.Message);
    }

    [Fact]
    public void Transition_FromPending_MessageListsAllowedTriggers()
    {
        var ex = Assert.Throws<InvalidTransitionException>(() => Fire(TaskState.Pending, TaskTrigger.Start));

        Assert.Equal(
            "Task 'build' cannot move from 'pending' to 'implementing' (trigger 'start'); from 'pending' the allowed triggers are "
                + "'dependencies_met' (to 'ready'), 'block' (to 'blocked_hitl'), 'cancel' (to 'cancelled').",
            ex.Message);
        Assert.IsAssignableFrom<AgentManagerException>(ex);
    }

    [Fact]
    public void Transition_EngineTrigger_DefaultsToEngineActorWithoutReason()
    {
        var transition = TaskLifecycle.Transition("wf-1", "build", TaskState.Ready, TaskTrigger.Start, 1, At);

        Assert.Equal(TaskLifecycle.EngineActor, transition.Actor);
        Assert.Null(transition.Reason);
        Assert.Equal(TaskState.Implementing, transition.To);
    }

    [Theory]
    [InlineData(TaskTrigger.HumanRetry)]
    [InlineData(TaskTrigger.HumanComplete)]
    [InlineData(TaskTrigger.HumanFail)]
    public void Transition_HumanTriggerByEngine_ThrowsArgumentExceptionNamingActor(TaskTrigger trigger)
    {
        foreach (var actor in new[] { TaskLifecycle.EngineActor, "Engine", " engine " })
        {
            var ex = Assert.Throws<ArgumentException>(
                () => TaskLifecycle.Transition("wf-1", "build", TaskState.BlockedHitl, trigger, 1, At, actor, Why));

            Assert.Equal("actor", ex.ParamName);
            Assert.Contains("human", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(TaskTrigger.HumanRetry, null)]
    [InlineData(TaskTrigger.HumanComplete, "")]
    [InlineData(TaskTrigger.HumanFail, "   ")]
    public void Transition_HumanTriggerWithoutReason_ThrowsArgumentExceptionNamingReason(TaskTrigger trigger, string? reason)
    {
        var ex = Assert.Throws<ArgumentException>(
            () => TaskLifecycle.Transition("wf-1", "build", TaskState.BlockedHitl, trigger, 1, At, Human, reason));

        Assert.Equal("reason", ex.ParamName);
        Assert.Contains("reason", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Transition_BlankActor_ThrowsArgumentException(string actor)
    {
        var ex = Assert.Throws<ArgumentException>(
            () => TaskLifecycle.Transition("wf-1", "build", TaskState.Ready, TaskTrigger.Cancel, 1, At, actor));

        Assert.Equal("actor", ex.ParamName);
    }

    [Fact]
    public void Transition_FailedByHumanWithReason_Completes()
    {
        var transition = TaskLifecycle.Transition("wf-1", "build", TaskState.Failed, TaskTrigger.HumanComplete, 3, At, Human, Why);

        Assert.Equal(TaskState.Completed, transition.To);
        Assert.Equal(Human, transition.Actor);
        Assert.Equal(Why, transition.Reason);
    }

    [Fact]
    public void Transition_InvalidIds_ThrowArgumentExceptionNamingParameter()
    {
        var workflow = Assert.Throws<ArgumentException>(() => TaskLifecycle.Transition("bad id", "build", TaskState.Ready, TaskTrigger.Start, 1, At));
        var task = Assert.Throws<ArgumentException>(() => TaskLifecycle.Transition("wf-1", "a/b", TaskState.Ready, TaskTrigger.Start, 1, At));

        Assert.Equal("workflowId", workflow.ParamName);
        Assert.Equal("taskId", task.ParamName);
    }

    [Fact]
    public void Transition_UndefinedEnumOrNegativeAttempt_ThrowsArgumentOutOfRange()
    {
        Assert.Equal("from", Assert.Throws<ArgumentOutOfRangeException>(() => TaskLifecycle.Transition("wf", "t", (TaskState)42, TaskTrigger.Start, 1, At)).ParamName);
        Assert.Equal("trigger", Assert.Throws<ArgumentOutOfRangeException>(() => TaskLifecycle.Transition("wf", "t", TaskState.Ready, (TaskTrigger)42, 1, At)).ParamName);
        Assert.Equal("attempt", Assert.Throws<ArgumentOutOfRangeException>(() => TaskLifecycle.Transition("wf", "t", TaskState.Ready, TaskTrigger.Start, -1, At)).ParamName);
        Assert.False(TaskLifecycle.CanFire((TaskState)42, TaskTrigger.Start));
        Assert.False(TaskLifecycle.CanFire(TaskState.Ready, (TaskTrigger)42));
    }

    [Fact]
    public void DestinationOf_EveryTrigger_IsTheOneDestinationOfItsRules()
    {
        foreach (var trigger in Enum.GetValues<TaskTrigger>())
        {
            var destinations = TaskLifecycle.Rules.Where(r => r.Trigger == trigger).Select(r => r.To).Distinct().ToList();

            Assert.Equal([TaskLifecycle.DestinationOf(trigger)], destinations);
        }
    }

    [Fact]
    public void PermittedTriggers_EveryState_MatchesRulesInOrder()
    {
        foreach (var state in Enum.GetValues<TaskState>())
        {
            var expected = TaskLifecycle.Rules.Where(r => r.From == state).Select(r => r.Trigger);

            Assert.Equal(expected, TaskLifecycle.PermittedTriggers(state));
        }

        Assert.Empty(TaskLifecycle.PermittedTriggers(TaskState.Completed));
        Assert.Empty(TaskLifecycle.PermittedTriggers(TaskState.Cancelled));
        Assert.Equal([TaskTrigger.HumanComplete], TaskLifecycle.PermittedTriggers(TaskState.Failed));
    }

    [Fact]
    public void Transition_RandomTriggerSequences_StayInsideTheTable()
    {
        var rules = TaskLifecycle.Rules.ToHashSet();

        Gen.Enum<TaskTrigger>().Array[0, 60].Sample(triggers =>
        {
            var state = TaskState.Pending;
            var attempt = 0;
            foreach (var trigger in triggers)
            {
                if (!TaskLifecycle.CanFire(state, trigger))
                {
                    var refused = Assert.Throws<InvalidTransitionException>(() => Fire(state, trigger));
                    Assert.Equal(state, refused.From);
                    continue;
                }

                Assert.True(!state.IsTerminal() || (state, trigger) == (TaskState.Failed, TaskTrigger.HumanComplete));

                var transition = Fire(state, trigger, attempt);
                Assert.Contains(new LifecycleRule(state, trigger, transition.To), rules);
                Assert.Equal(TaskLifecycle.DestinationOf(trigger), transition.To);
                state = transition.To;
                attempt++;
            }
        });
    }

    private static TaskTransition Fire(TaskState from, TaskTrigger trigger, int attempt = 2) =>
        TaskLifecycle.Transition("wf-1", "build", from, trigger, attempt, At, Human, Why);

    private static List<LifecycleRule> ReadDocumentedTable(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = Array.FindIndex(lines, l => l.Replace(" ", "", StringComparison.Ordinal) == "|From|Trigger|To|");
        Assert.True(header >= 0, $"{path} has no '| From | Trigger | To |' table.");

        var rules = new List<LifecycleRule>();
        foreach (var line in lines.Skip(header + 2).TakeWhile(l => l.TrimStart().StartsWith('|')))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries)[1..^1];
            Assert.Equal(3, cells.Length);
            Assert.True(TaskStateNames.TryParseState(cells[0], out var from), $"Unknown state '{cells[0]}' in {path}.");
            Assert.True(TaskStateNames.TryParseTrigger(cells[1], out var trigger), $"Unknown trigger '{cells[1]}' in {path}.");
            Assert.True(TaskStateNames.TryParseState(cells[2], out var to), $"Unknown state '{cells[2]}' in {path}.");
            rules.Add(new LifecycleRule(from, trigger, to));
        }

        return rules;
    }
}
