using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Http;
using AgentManager.Hosting.Mapping;
using AgentManager.Inbox;
using AgentManager.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AgentManager.Hosting.Endpoints;

/// <summary><c>/inbox</c>: the tasks blocked for a human, and the decisions about them (retry, complete with a
/// reason, fail, cancel). The actor is the authenticated user's name, else <c>api</c>.</summary>
internal static class InboxEndpoints
{
    /// <summary>The actor of a decision taken by an unauthenticated caller (or with the bearer token, which names nobody).</summary>
    public const string ApiActor = "api";

    public static void Map(RouteGroupBuilder group)
    {
        var inbox = group.MapGroup("/inbox").WithTags("Inbox");
        inbox.MapGet("", ListAsync).WithSummary("Lists the tasks blocked for a human (?workflow_id=), oldest workflow first, a page at a time.")
            .Produces<PageView<BlockedTaskView>>().Problems(404, 422);
        inbox.MapGet("/decisions/{decisionId}", DecisionAsync).WithSummary("Reads a decision, to learn whether a pending one was applied or rejected.")
            .Produces<DecisionView>().Problems(404, 422);
        MapDecision(inbox, "retry", HumanAction.Retry, "Gives a blocked task one more attempt by its own agent; it is blocked again if that fails.");
        MapDecision(inbox, "complete", HumanAction.Complete, "Declares a blocked task done (a reason is required); its dependents become ready.");
        MapDecision(inbox, "fail", HumanAction.Fail, "Declares a blocked task failed; its dependents are cancelled.");
        MapDecision(inbox, "cancel", HumanAction.Cancel, "Cancels a blocked task; its dependents are cancelled.");
    }

    private static void MapDecision(RouteGroupBuilder inbox, string verb, HumanAction action, string summary) =>
        inbox.MapPost($"/{{workflowId}}/{{taskId}}/{verb}", (HttpContext context, string workflowId, string taskId, [FromServices] IHumanInbox humans) =>
                DecideAsync(context, workflowId, taskId, action, humans))
            .WithSummary(summary + " 200 when applied here, 202 when queued for the engine that runs the workflow.")
            .JsonRequest<HumanDecisionRequest>()
            .Produces<DecisionView>().Produces<DecisionView>(StatusCodes.Status202Accepted).Problems(400, 404, 409, 413, 422);

    private static async Task<IResult> ListAsync(HttpContext context, [FromServices] IHumanInbox humans, [FromServices] IOptions<AgentManagerApiOptions> options)
    {
        var workflowId = QueryValues.Id(context.Request, "workflow_id");
        var (limit, offset) = QueryValues.Page(context.Request, options.Value.MaxPageSize);
        var blocked = await humans.ListAsync(workflowId, context.RequestAborted).ConfigureAwait(false);
        var page = blocked.Skip(offset).Take(limit).Select(InboxViews.Blocked).ToArray();
        return ApiResults.Ok(new PageView<BlockedTaskView>(page, blocked.Count, limit, offset), ApiJson.Context.PageViewBlockedTaskView);
    }

    private static async Task<IResult> DecisionAsync(HttpContext context, string decisionId, [FromServices] IHumanInbox humans)
    {
        var id = ApiIds.Require(decisionId, "decision id");
        var decision = await humans.GetDecisionAsync(id, context.RequestAborted).ConfigureAwait(false)
            ?? throw new ApiException(StatusCodes.Status404NotFound, $"No human decision has the id '{id}'.");
        return ApiResults.Ok(InboxViews.Decision(decision), ApiJson.Context.DecisionView);
    }

    private static async Task<IResult> DecideAsync(HttpContext context, string workflowId, string taskId, HumanAction action, IHumanInbox humans)
    {
        var workflow = ApiIds.Require(workflowId, "workflow id");
        var task = ApiIds.Require(taskId, "task id");
        var reason = await ReasonAsync(context, action).ConfigureAwait(false);
        var record = await humans.DecideAsync(
            new HumanDecision { WorkflowId = workflow, TaskId = task, Action = action, Actor = ActorOf(context), Reason = reason },
            context.RequestAborted).ConfigureAwait(false);
        return Results.Json(
            InboxViews.Decision(record),
            ApiJson.Context.DecisionView,
            statusCode: record.Status == HumanDecisionStatus.Pending ? StatusCodes.Status202Accepted : StatusCodes.Status200OK);
    }

    /// <summary>Reads the reason: a body is optional for retry, fail and cancel (a default reason names the API),
    /// and required, with a non-blank reason, to complete a task.</summary>
    private static async Task<string> ReasonAsync(HttpContext context, HumanAction action)
    {
        var hasBody = context.Request.ContentLength is > 0 || (context.Request.ContentLength is null && context.Request.Headers.TransferEncoding.Count > 0);
        var body = hasBody || action == HumanAction.Complete
            ? await JsonBody.ReadAsync(context, ApiJson.Context.HumanDecisionRequest).ConfigureAwait(false)
            : new HumanDecisionRequest();
        if (!string.IsNullOrWhiteSpace(body.Reason))
        {
            return body.Reason.Trim();
        }

        return action == HumanAction.Complete
            ? throw ApiException.Malformed(
                "The request is malformed: reason is required to complete a task; say why it counts as done.",
                [new ProblemErrorView("reason", null, null, "is required to complete a task")])
            : $"Decided ({action.ToWireName()}) through the HTTP API without a reason.";
    }

    /// <summary>The authenticated user's name when the host authenticates requests, else <see cref="ApiActor"/>.</summary>
    internal static string ActorOf(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { } name } && !string.IsNullOrWhiteSpace(name) ? name.Trim() : ApiActor;
}
