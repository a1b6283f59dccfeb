using AgentManager.Agents;
using AgentManager.Graph;
using AgentManager.Hosting.Contracts;
using AgentManager.Inbox;
using AgentManager.Lifecycle;
using AgentManager.Plans;
using AgentManager.Schedules;
using AgentManager.Workflows;

namespace AgentManager.Hosting.Http;

/// <summary>Maps the typed exceptions of AgentManager to HTTP statuses: bad domain input 400, unknown id 404,
/// state conflict 409, a blocking hook 500; argument misuse that reached the engine is a malformed request (422).</summary>
internal static class ExceptionProblems
{
    /// <summary>Gets the status and the offending fields of an exception, or <see langword="null"/> for an
    /// exception the API does not expect (a server error whose message is not shown).</summary>
    public static (int Status, IReadOnlyList<ProblemErrorView>? Errors)? Classify(Exception exception) => exception switch
    {
        ApiException api => (api.Status, api.Errors),
        PlanValidationException plan => (StatusCodes.Status400BadRequest, plan.Errors.Select(e => new ProblemErrorView(e.Field, e.ItemId, e.Index, e.Message)).ToArray()),
        WorkflowValidationException workflow => (StatusCodes.Status400BadRequest, workflow.Errors.Select(e => new ProblemErrorView(null, null, null, e)).ToArray()),
        ScheduleConfigurationException schedule => (StatusCodes.Status400BadRequest, schedule.Errors.Select(e => new ProblemErrorView(null, null, null, e)).ToArray()),
        PlanFileException planFile => (StatusCodes.Status400BadRequest, planFile.Problems.Select(e => new ProblemErrorView(null, null, null, e)).ToArray()),
        InvalidHumanDecisionException decision => (StatusCodes.Status400BadRequest, decision.Errors.Select(e => new ProblemErrorView(null, null, null, e)).ToArray()),
        DuplicateTaskException or DependencyCycleException => (StatusCodes.Status400BadRequest, null),
        TaskNotFoundException or WorkflowNotFoundException or PlanNotFoundException or ScheduleNotFoundException => (StatusCodes.Status404NotFound, null),
        PlanConflictException or WorkflowStateException or Persistence.WorkflowExistsException or InvalidTransitionException or TaskNotReadyException or TaskNotBlockedException => (StatusCodes.Status409Conflict, null),
        PlanConfirmBlockedException => (StatusCodes.Status500InternalServerError, null),
        AgentConfigurationException => (StatusCodes.Status404NotFound, null),
        ArgumentException => (StatusCodes.Status422UnprocessableEntity, null),
        _ => null,
    };
}
