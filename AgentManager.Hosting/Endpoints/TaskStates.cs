using AgentManager.Hosting.Http;
using AgentManager.Lifecycle;
using AgentManager.Plans;
using AgentManager.Workflows;

namespace AgentManager.Hosting.Endpoints;

/// <summary>Parses the <c>status</c> filters of list endpoints; an unknown name is a malformed request (422).</summary>
internal static class TaskStates
{
    public static TaskState? Parse(string? value) => value is null ? null
        : TaskStateNames.TryParseState(value, out var state) ? state
        : throw ApiException.Malformed($"Query parameter 'status' is '{value}'; a task status is one of {string.Join(", ", Enum.GetValues<TaskState>().Select(s => s.ToWireName()))}.");

    public static WorkflowStatus? ParseWorkflow(string? value) => value is null ? null
        : WorkflowStatusNames.TryParse(value, out var status) ? status
        : throw ApiException.Malformed($"Query parameter 'status' is '{value}'; a workflow status is one of {string.Join(", ", Enum.GetValues<WorkflowStatus>().Select(s => s.ToWireName()))}.");

    public static PlanStatus? ParsePlan(string? value) => value is null ? null
        : PlanStatusNames.TryParse(value, out PlanStatus status) ? status
        : throw ApiException.Malformed($"Query parameter 'status' is '{value}'; a task plan status is draft or confirmed.");
}
