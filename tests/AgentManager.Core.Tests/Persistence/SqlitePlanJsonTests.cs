using System.Text.Json;
using System.Text.Json.Nodes;
using AgentManager.Persistence.Sqlite;
using AgentManager.Plans;

namespace AgentManager.Tests.Persistence;

/// <summary>Pins the JSON body of a stored task plan version, so that plans written by an earlier build still read.</summary>
public sealed class SqlitePlanJsonTests
{
    private const string StoredBody = """
        {
          "plan_id": "release-1", "version": 3, "source_task_id": "t-9", "created_by": "lead", "status": "confirmed",
          "items": [
            {
              "id": "build", "title": "Build it", "description": "the whole solution", "prompt": "run the build",
              "priority": 5, "dependencies": ["fetch"], "assignee": "coder", "required_skills": ["dotnet"],
              "workdir": "src", "verification": "test -f out.txt", "resources": ["model:x"], "max_attempts": 2,
              "timeout_ticks": 12345678901, "metadata": {"area": "ci"}, "status": "confirmed"
            },
            {
              "id": "fetch", "title": "Fetch", "description": null, "prompt": null, "priority": 0, "dependencies": [],
              "assignee": null, "required_skills": [], "workdir": null, "verification": null, "resources": [],
              "max_attempts": null, "timeout_ticks": null, "metadata": {}, "status": "pending_review"
            }
          ],
          "temporary_roles": ["reviewer"], "selected_templates": ["skill-a"], "preferred_assignees": ["coder"],
          "created_at": "2026-01-02T03:04:05+00:00", "updated_at": "2026-01-02T04:04:05+00:00",
          "metadata": {"k": "v"}, "confirmed_version": 3
        }
        """;

    [Fact]
    public void From_Plan_WritesTheStoredBody()
    {
        var json = JsonSerializer.Serialize(SqlitePlanJson.From(Plan()), SqlitePlanJsonContext.Default.SqlitePlanJson);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(StoredBody), JsonNode.Parse(json)), json);
    }

    [Fact]
    public void ToPlan_StoredBody_ReadsEveryField()
    {
        var plan = JsonSerializer.Deserialize(StoredBody, SqlitePlanJsonContext.Default.SqlitePlanJson)!.ToPlan();

        var expected = Plan();
        Assert.Equal(expected.Items, plan.Items);
        Assert.Equal(TimeSpan.FromTicks(12345678901), plan.Items[0].Timeout);
        Assert.Equal(
            (expected.PlanId, expected.Version, expected.SourceTaskId, expected.CreatedBy, expected.Status, expected.CreatedAt, expected.UpdatedAt, expected.ConfirmedVersion),
            (plan.PlanId, plan.Version, plan.SourceTaskId, plan.CreatedBy, plan.Status, plan.CreatedAt, plan.UpdatedAt, plan.ConfirmedVersion));
        Assert.Equal(expected.TemporaryRoles, plan.TemporaryRoles);
        Assert.Equal(expected.SelectedTemplates, plan.SelectedTemplates);
        Assert.Equal(expected.PreferredAssignees, plan.PreferredAssignees);
        Assert.Equal(expected.Metadata, plan.Metadata);
    }

    [Fact]
    public void ToPlan_UnknownItemStatus_ThrowsNamingTheValue()
    {
        var body = StoredBody.Replace("\"pending_review\"", "\"archived\"", StringComparison.Ordinal);

        var ex = Assert.Throws<InvalidOperationException>(() => JsonSerializer.Deserialize(body, SqlitePlanJsonContext.Default.SqlitePlanJson)!.ToPlan());

        Assert.Contains("plan item status 'archived'", ex.Message, StringComparison.Ordinal);
    }

    private static TaskPlan Plan() => new()
    {
        PlanId = "release-1",
        Version = 3,
        SourceTaskId = "t-9",
        CreatedBy = "lead",
        Status = PlanStatus.Confirmed,
        Items =
        [
            new PlanItem
            {
                Id = "build",
                Title = "Build it",
                Description = "the whole solution",
                Prompt = "run the build",
                Priority = 5,
                Dependencies = ["fetch"],
                Assignee = "coder",
                RequiredSkills = ["dotnet"],
                Workdir = "src",
                Verification = "test -f out.txt",
                Resources = ["model:x"],
                MaxAttempts = 2,
                Timeout = TimeSpan.FromTicks(12345678901),
                Metadata = new Dictionary<string, string> { ["area"] = "ci" },
                Status = PlanItemStatus.Confirmed,
            },
            new PlanItem { Id = "fetch", Title = "Fetch", Status = PlanItemStatus.PendingReview },
        ],
        TemporaryRoles = ["reviewer"],
        SelectedTemplates = ["skill-a"],
        PreferredAssignees = ["coder"],
        CreatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(2026, 1, 2, 4, 4, 5, TimeSpan.Zero),
        Metadata = new Dictionary<string, string> { ["k"] = "v" },
        ConfirmedVersion = 3,
    };
}
