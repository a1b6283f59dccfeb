using AgentManager.Agents;
using AgentManager.Plans;
using CsCheck;
using static AgentManager.Tests.Plans.PlanTestKit;

namespace AgentManager.Tests.Plans;

public sealed class PlanValidatorTests
{
    private static List<PlanValidationError> Check(params PlanItem?[] items)
    {
        var errors = new List<PlanValidationError>();
        PlanValidator.CheckItems(items, errors);
        return errors;
    }

    private static List<PlanValidationError> CheckForConfirm(params PlanItem?[] items)
    {
        var errors = new List<PlanValidationError>();
        PlanValidator.CheckForConfirm(items, AgentCatalog.CreateDefault(), errors);
        return errors;
    }

    private static PlanValidationError Single(List<PlanValidationError> errors, string? itemId, int? index, string field)
    {
        var error = Assert.Single(errors);
        Assert.Equal(itemId, error.ItemId);
        Assert.Equal(index, error.Index);
        Assert.Equal(field, error.Field);
        return error;
    }

    [Fact]
    public void CheckItems_ValidItems_NoError() =>
        Assert.Empty(Check(Item("a"), Item("b", "a"), Item("c", "a", "b") with { Workdir = "src/app", Resources = ["model:x"], MaxAttempts = 2, Timeout = TimeSpan.FromMinutes(1) }));

    [Fact]
    public void CheckItems_EmptyId_NamesTheItemByIndexAndField()
    {
        var error = Single(Check(Item("a"), Item("")), "", 1, "id");

        Assert.Equal("items[1]: id: required; every item needs an id matching ^[A-Za-z0-9_.:-]+$", error.ToString());
    }

    [Fact]
    public void CheckItems_MalformedId_NamesTheValue()
    {
        var error = Single(Check(Item("has space")), "has space", 0, "id");

        Assert.Equal("items[0] 'has space': id: 'has space' is not a valid id: ids are 1 to 200 characters matching ^[A-Za-z0-9_.:-]+$.", error.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void CheckItems_BlankTitle_NamesItemAndField(string title)
    {
        var error = Single(Check(Item("a") with { Title = title }), "a", 0, "title");

        Assert.Equal("required: a short human title; it must not be blank", error.Message);
    }

    [Fact]
    public void CheckItems_DuplicateIds_NamesEveryRepeatAndTheFirst()
    {
        var errors = Check(Item("a"), Item("b"), Item("a"), Item("a"));

        Assert.Equal(
            [
                "items[2] 'a': id: 'a' is already the id of items[0]; item ids must be unique",
                "items[3] 'a': id: 'a' is already the id of items[0]; item ids must be unique",
            ],
            errors.Select(error => error.ToString()));
    }

    [Fact]
    public void CheckItems_UnknownDependency_NamesItemFieldAndValue()
    {
        var error = Single(Check(Item("a"), Item("b", "a", "ghost")), "b", 1, "dependencies[1]");

        Assert.Equal("'ghost' is not an item of this plan", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void CheckItems_BlankDependency_IsAnError(string dependency) =>
        Single(Check(Item("a", dependency)), "a", 0, "dependencies[0]");

    [Fact]
    public void CheckItems_SelfDependency_IsACycleOfOne()
    {
        var error = Single(Check(Item("a", "a")), "a", 0, "dependencies[0]");

        Assert.Equal("dependency cycle a -> a: an item cannot depend on itself", error.Message);
    }

    [Fact]
    public void CheckItems_Cycle_GivesItsPath()
    {
        var errors = Check(Item("a", "c"), Item("b", "a"), Item("c", "b"), Item("d", "c"));

        var error = Assert.Single(errors);
        Assert.Equal("dependencies", error.Field);
        var path = error.Message["dependency cycle ".Length..error.Message.IndexOf(" (", StringComparison.Ordinal)].Split(" -> ");
        Assert.Equal(4, path.Length);
        Assert.Equal(path[0], path[^1]);
        Assert.Equal(["a", "b", "c"], path.Skip(1).Order());
        Assert.Equal(error.ItemId, path[0]);
        Assert.Equal(Array.IndexOf(["a", "b", "c"], path[0]), error.Index);
        for (var i = 0; i + 1 < path.Length; i++)
        {
            var dependent = new Dictionary<string, string> { ["a"] = "c", ["b"] = "a", ["c"] = "b" }[path[i]];
            Assert.Equal(dependent, path[i + 1]);
        }
    }

    [Fact]
    public void CheckItems_TwoSeparateCycles_ReportsBoth()
    {
        var errors = Check(Item("a", "b"), Item("b", "a"), Item("x", "y"), Item("y", "x"), Item("free"));

        Assert.Equal(2, errors.Count);
        Assert.All(errors, error => Assert.Equal("dependencies", error.Field));
        Assert.Contains(errors, error => error.Message.Contains("a -> b -> a", StringComparison.Ordinal) || error.Message.Contains("b -> a -> b", StringComparison.Ordinal));
        Assert.Contains(errors, error => error.Message.Contains("x -> y -> x", StringComparison.Ordinal) || error.Message.Contains("y -> x -> y", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckItems_NegativePriority_NamesTheValue()
    {
        var error = Single(Check(Item("a") with { Priority = -2 }), "a", 0, "priority");

        Assert.Equal("-2 is negative; priorities are 0 or more", error.Message);
    }

    [Theory]
    [InlineData("/etc")]
    [InlineData("../outside")]
    [InlineData("a/../../b")]
    [InlineData("~/home")]
    [InlineData("C:\\work")]
    [InlineData("\\\\server\\share")]
    [InlineData("trailing./x")]
    public void CheckItems_WorkdirThePolicyRefuses_NamesItemAndField(string workdir)
    {
        var error = Single(Check(Item("a") with { Workdir = workdir }), "a", 0, "workdir");

        Assert.StartsWith($"The workdir path '{workdir}' is refused: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("book/chapters")]
    public void CheckItems_RelativeWorkdir_IsAllowed(string workdir) => Assert.Empty(Check(Item("a") with { Workdir = workdir }));

    [Fact]
    public void CheckItems_MalformedVerification_IsAnErrorEvenInADraft()
    {
        var error = Single(Check(Item("a") with { Verification = "grep 'open" }), "a", 0, "verification");

        Assert.Equal("Command line 'grep 'open' has an unterminated single quote at position 5; close every quote.", error.Message);
    }

    [Fact]
    public void CheckItems_OtherFields_AreCheckedToo()
    {
        var errors = Check(
            Item("a") with
            {
                MaxAttempts = 0,
                Timeout = TimeSpan.Zero,
                Resources = ["ok", " "],
                RequiredSkills = [null!],
                Metadata = new Dictionary<string, string> { ["owner"] = null! },
            },
            null);

        Assert.Equal(
            [
                "items[0] 'a': required_skills[0]: must not be null",
                "items[0] 'a': resources[1]: must not be blank",
                "items[0] 'a': max_attempts: 0 is less than 1; omit it to use the engine's retry policy",
                "items[0] 'a': timeout_seconds: 0 is not positive; omit it to use the engine's default",
                "items[0] 'a': metadata.owner: the value is null; use \"\" for an empty value",
                "items[1]: items: the entry is null",
            ],
            errors.Select(error => error.ToString()));
    }

    [Fact]
    public void CheckItems_TimeoutAboveTimerLimit_IsRefusedWithTheLimit()
    {
        var errors = Check(Item("a") with { Timeout = TimeSpan.FromDays(50) }, Item("b") with { Timeout = TimerLimit.Max });

        Assert.Equal(
            ["items[0] 'a': timeout_seconds: 4320000 is more than 4294967.294 (about 49.7 days, the longest delay a timer accepts)"],
            errors.Select(error => error.ToString()));
    }

    [Fact]
    public void CheckItems_SeveralProblems_AreAllReportedInItemOrder()
    {
        var errors = Check(
            Item("a", "ghost") with { Title = "" },
            Item("") with { Priority = -1 },
            Item("a", "a") with { Workdir = "/abs" });

        Assert.Equal(
            [
                "items[0] 'a': title: required: a short human title; it must not be blank",
                "items[0] 'a': dependencies[0]: 'ghost' is not an item of this plan",
                "items[1]: id: required; every item needs an id matching ^[A-Za-z0-9_.:-]+$",
                "items[1]: priority: -1 is negative; priorities are 0 or more",
                "items[2] 'a': id: 'a' is already the id of items[0]; item ids must be unique",
                "items[2] 'a': dependencies[0]: dependency cycle a -> a: an item cannot depend on itself",
                "items[2] 'a': workdir: The workdir path '/abs' is refused: absolute paths are not allowed; give a path relative to the root.",
            ],
            errors.Select(error => error.ToString()));
    }

    [Fact]
    public void CheckItems_AnyAcyclicPlan_HasNoError()
    {
        // Items that depend only on earlier ones never form a cycle, whatever the shape.
        Gen.Int[1, 30].SelectMany(count => Gen.Int[0, 1000].Array[count].Select(seeds => (count, seeds))).Sample(pair =>
        {
            var (count, seeds) = pair;
            var items = Enumerable.Range(0, count).Select(i => Item(
                "t" + i,
                [.. Enumerable.Range(0, i).Where(j => (seeds[i] >> (j % 10) & 1) == 1).Select(j => "t" + j)])).ToArray();
            return Check(items).Count == 0;
        });
    }

    [Fact]
    public void CheckItems_ClosingAnyChain_IsReportedAsOneCycleThroughEveryItem()
    {
        Gen.Int[2, 40].Sample(count =>
        {
            var items = Enumerable.Range(0, count).Select(i => Item("t" + i, "t" + ((i + 1) % count))).ToArray();
            var error = Assert.Single(Check(items));
            return error.Field == "dependencies" && Enumerable.Range(0, count).All(i => error.Message.Contains($"t{i} ", StringComparison.Ordinal));
        });
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void CheckForConfirm_MissingVerification_NamesItemAndField(string? verification)
    {
        var error = Single(CheckForConfirm(Item("a") with { Verification = verification }), "a", 0, "verification");

        Assert.StartsWith("required to confirm: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void CheckForConfirm_MissingAssignee_ListsTheKnownAgents(string? assignee)
    {
        var error = Single(CheckForConfirm(Item("a") with { Assignee = assignee }), "a", 0, "assignee");

        Assert.Equal("required to confirm: the agent id that runs the item; known agents: manager, supervisor, worker", error.Message);
    }

    [Fact]
    public void CheckForConfirm_UnknownAssignee_NamesItAndListsTheKnownAgents()
    {
        var error = Single(CheckForConfirm(Item("a") with { Assignee = "ghost" }), "a", 0, "assignee");

        Assert.Equal("'ghost' is not an agent of the catalog; known agents: manager, supervisor, worker", error.Message);
    }

    [Fact]
    public void CheckForConfirm_SkillTheProfileCannotResolve_NamesTheSkillAndWhatTheAgentHas()
    {
        var errors = CheckForConfirm(
            Item("a") with { RequiredSkills = ["sandbox-execution", "code-review"] },
            Item("b") with { Assignee = "supervisor", RequiredSkills = ["code-review", "task-planning"] });

        var error = Single(errors, "a", 0, "required_skills[1]");
        Assert.Equal("agent 'worker' cannot resolve skill 'code-review'; the skills its profile resolves: sandbox-execution", error.Message);
    }

    [Fact]
    public void CheckForConfirm_NoItems_IsAPlanLevelError()
    {
        var error = Single(CheckForConfirm(), null, null, "items");

        Assert.Equal("items: a plan needs at least one item to be confirmed", error.ToString());
    }
}
