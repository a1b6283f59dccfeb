using System.Text.Json.Serialization;

namespace AgentManager.Hosting.Contracts;

/// <summary>The source-generated JSON of the API: snake_case names, as the original service wrote them.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ProblemView))]
[JsonSerializable(typeof(Adhoc.AdhocTaskExtras))]
[JsonSerializable(typeof(HealthView))]
[JsonSerializable(typeof(ProbeView))]
[JsonSerializable(typeof(StatusView))]
[JsonSerializable(typeof(NewAdhocTaskRequest))]
[JsonSerializable(typeof(AdhocTaskView))]
[JsonSerializable(typeof(PageView<AdhocTaskView>))]
[JsonSerializable(typeof(TaskStatusView))]
[JsonSerializable(typeof(ReadyTasksView))]
[JsonSerializable(typeof(NewPlanRequest))]
[JsonSerializable(typeof(EditPlanRequest))]
[JsonSerializable(typeof(PlanView))]
[JsonSerializable(typeof(PageView<PlanView>))]
[JsonSerializable(typeof(PlanDiffView))]
[JsonSerializable(typeof(NewWorkflowRequest))]
[JsonSerializable(typeof(WorkflowView))]
[JsonSerializable(typeof(PageView<WorkflowView>))]
[JsonSerializable(typeof(TaskDetailView))]
[JsonSerializable(typeof(IReadOnlyList<TransitionView>))]
[JsonSerializable(typeof(EventView))]
[JsonSerializable(typeof(EventPageView))]
[JsonSerializable(typeof(PageView<AgentSummaryView>))]
[JsonSerializable(typeof(AgentView))]
[JsonSerializable(typeof(TemplatesView))]
[JsonSerializable(typeof(SkillView))]
[JsonSerializable(typeof(McpServerView))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
