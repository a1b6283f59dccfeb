using AgentManager.Plans;
using static AgentManager.Tests.Plans.PlanTestKit;

namespace AgentManager.Tests.Plans;

public sealed class PlanItemTests
{
    [Fact]
    public void Equals_SameValuesInDifferentCollections_AreEqual()
    {
        var a = Item("a", "x", "y") with { Metadata = new Dictionary<string, string> { ["k"] = "v", ["j"] = "w" }, RequiredSkills = ["s"] };
        var b = Item("a", "x", "y") with { Metadata = new Dictionary<string, string> { ["j"] = "w", ["k"] = "v" }, RequiredSkills = ["s"] };

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equals_AnyFieldOrTheStatusDiffers_NotEqual()
    {
        var item = Item("a", "x");
        PlanItem[] variants =
        [
            item with { Id = "b" },
            item with { Title = "other" },
            item with { Description = "d" },
            item with { Prompt = "p" },
            item with { Priority = 1 },
            item with { Dependencies = ["y"] },
            item with { Assignee = "manager" },
            item with { RequiredSkills = ["s"] },
            item with { Workdir = "w" },
            item with { Verification = "false" },
            item with { Resources = ["r"] },
            item with { MaxAttempts = 2 },
            item with { Timeout = TimeSpan.FromSeconds(1) },
            item with { Metadata = new Dictionary<string, string> { ["k"] = "v" } },
            item with { Status = PlanItemStatus.Confirmed },
        ];

        Assert.All(variants, variant => Assert.NotEqual(item, variant));
        Assert.Equal(14, variants.Take(14).Select(variant => Assert.Single(PlanItem.ChangedFields(item, variant))).Distinct().Count());
    }

    [Fact]
    public void With_CopiesTheCollections_TheOriginalIsUnchanged()
    {
        var dependencies = new List<string> { "x" };
        var item = Item("a") with { Dependencies = dependencies };

        dependencies.Add("y");

        Assert.Equal(["x"], item.Dependencies);
        Assert.Equal("a: Do a", item.ToString());
    }

    [Fact]
    public void Init_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new PlanItem { Id = null! });
        Assert.Throws<ArgumentNullException>(() => Item("a") with { Title = null! });
        Assert.Throws<ArgumentNullException>(() => Item("a") with { Dependencies = null! });
    }

    [Fact]
    public void StatusNames_RoundTrip()
    {
        Assert.Equal("pending_review", PlanItemStatus.PendingReview.ToWireName());
        Assert.Equal("confirmed", PlanItemStatus.Confirmed.ToWireName());
        Assert.Equal("draft", PlanStatus.Draft.ToWireName());
        Assert.Equal("confirmed", PlanStatus.Confirmed.ToWireName());
        Assert.True(PlanStatusNames.TryParse("pending_review", out PlanItemStatus itemStatus));
        Assert.Equal(PlanItemStatus.PendingReview, itemStatus);
        Assert.True(PlanStatusNames.TryParse("confirmed", out PlanStatus planStatus));
        Assert.Equal(PlanStatus.Confirmed, planStatus);
        Assert.False(PlanStatusNames.TryParse("Draft", out PlanStatus _));
        Assert.Throws<ArgumentOutOfRangeException>(() => ((PlanStatus)9).ToWireName());
    }
}
