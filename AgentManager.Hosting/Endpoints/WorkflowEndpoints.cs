using AgentManager.Agents;
using AgentManager.Events;
using AgentManager.Hosting.Adhoc;
using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Http;
using AgentManager.Hosting.Mapping;
using AgentManager.Memory;
using AgentManager.Persistence;
using AgentManager.Persistence.Checkpoints;
using AgentManager.Plans;
using AgentManager.Workflows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentManager.Hosting.Endpoints;

/// <summary><c>/workflows</c>: create (from tasks or a confirmed plan), start, cancel, delete once finished, and
/// read with task states, task details and transitions.</summary>
internal static class WorkflowEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        var workflows = group.MapGroup("/workflows").WithTags("Workflows");
        workflows.MapPost("", CreateAsync).WithSummary("Creates a workflow from tasks or from a confirmed task plan, and starts it when 'start' is true.")
            .JsonRequest<NewWorkflowRequest>().Produces<WorkflowView>(StatusCodes.Status201Created).Problems(400, 404, 409, 413, 422);
        workflows.MapGet("", ListAsync).WithSummary("Lists workflows, oldest first, filtered by status, a page at a time.").Produces<PageView<WorkflowView>>().Problems(422);
        workflows.MapGet("/{id}", GetAsync).WithSummary("Reads a workflow with its tasks' states and the id of its latest event.").Produces<WorkflowView>().Problems(404, 422);
        workflows.MapPost("/{id}/start", StartAsync).WithSummary("Starts a created workflow; 202 when another host runs it and was asked to.")
            .Produces<WorkflowView>().Produces<WorkflowView>(StatusCodes.Status202Accepted).Problems(404, 409, 422);
        workflows.MapPost("/{id}/cancel", CancelAsync)
            .WithSummary("Cancels an unfinished workflow (?reason=): running agents stop, unfinished tasks end cancelled; 202 when another host runs it and was asked to.")
            .Produces<WorkflowView>().Produces<WorkflowView>(StatusCodes.Status202Accepted).Problems(404, 409, 422);
        workflows.MapDelete("/{id}", DeleteAsync).WithSummary("Deletes a finished workflow with its tasks, transitions, events, decisions and checkpoints (409 while it is unfinished).")
            .Produces(StatusCodes.Status204NoContent).Problems(404, 409, 422);
        workflows.MapGet("/{id}/tasks", TasksAsync).WithSummary("Lists a workflow's tasks in ordinal order, filtered by status, a page at a time.")
            .Produces<PageView<WorkflowTaskView>>().Problems(404, 422);
        workflows.MapGet("/{id}/tasks/{taskId}", TaskAsync).WithSummary("Reads a task with its transitions and the tail of its last output.").Produces<TaskDetailView>().Problems(404, 422);
        workflows.MapGet("/{id}/transitions", TransitionsAsync).WithSummary("Reads a workflow's transitions, oldest first (?task_id= for one task's).")
            .Produces<IReadOnlyList<TransitionView>>().Problems(404, 422);
    }

    private static async Task<IResult> CreateAsync(
        HttpContext context,
        [FromServices] IWorkflowEngine engine,
        [FromServices] IStateStore store,
        [FromServices] TaskPlanService plans,
        [FromServices] AgentCatalog catalog)
    {
        var body = await JsonBody.ReadAsync(context, ApiJson.Context.NewWorkflowRequest).ConfigureAwait(false);
        var definition = await WorkflowRequests.DefinitionAsync(body, plans, catalog, context.RequestAborted).ConfigureAwait(false);
        if (RequestId.Of(context) is { } requestId)
        {
            definition.Metadata.TryAdd("correlation_id", requestId);
        }

        var workflowId = await engine.CreateAsync(definition, context.RequestAborted).ConfigureAwait(false);
        if (body.Start == true)
        {
            await engine.StartAsync(workflowId, context.RequestAborted).ConfigureAwait(false);
        }

        var view = await ViewAsync(store, workflowId, context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Created($"{context.Request.PathBase}{context.Request.Path}/{workflowId}", view, ApiJson.Context.WorkflowView);
    }

    private static async Task<IResult> ListAsync(HttpContext context, [FromServices] IStateStore store, [FromServices] IOptions<AgentManagerApiOptions> options)
    {
        var status = TaskStates.ParseWorkflow(QueryValues.String(context.Request, "status"));
        var (limit, offset) = QueryValues.Page(context.Request, options.Value.MaxPageSize);
        var query = new WorkflowQuery { Statuses = status is { } only ? [only] : null, Offset = offset, Limit = limit };
        var found = await store.QueryWorkflowsAsync(query, context.RequestAborted).ConfigureAwait(false);
        var counts = await store.CountTasksAsync([.. found.Workflows.Select(w => w.WorkflowId)], context.RequestAborted).ConfigureAwait(false);
        var page = new List<WorkflowView>(found.Workflows.Count);
        foreach (var workflow in found.Workflows)
        {
            page.Add(WorkflowViews.Summary(workflow, counts, await LastEventIdAsync(store, workflow.WorkflowId, context.RequestAborted).ConfigureAwait(false)));
        }

        return ApiResults.Ok(new PageView<WorkflowView>(page, found.Total, limit, offset), ApiJson.Context.PageViewWorkflowView);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string id, [FromServices] IStateStore store) =>
        ApiResults.Ok(await ViewAsync(store, ApiIds.Require(id, "workflow id"), context.RequestAborted).ConfigureAwait(false), ApiJson.Context.WorkflowView);

    private static async Task<IResult> StartAsync(HttpContext context, string id, [FromServices] IWorkflowEngine engine, [FromServices] IStateStore store, [FromServices] AdhocTaskBoard board)
    {
        var workflowId = RequireRunnable(id, board, "started");
        await engine.StartAsync(workflowId, context.RequestAborted).ConfigureAwait(false);

        // Still created: another host runs the workflow, and the engine stored the request for it.
        var view = await ViewAsync(store, workflowId, context.RequestAborted).ConfigureAwait(false);
        return AcceptedWhile(view, WorkflowStatus.Created);
    }

    private static async Task<IResult> CancelAsync(HttpContext context, string id, [FromServices] IWorkflowEngine engine, [FromServices] IStateStore store, [FromServices] AdhocTaskBoard board)
    {
        var workflowId = RequireRunnable(id, board, "cancelled");
        await engine.CancelAsync(workflowId, QueryValues.String(context.Request, "reason"), context.RequestAborted).ConfigureAwait(false);

        // Still unfinished: another host runs the workflow, and the engine stored the request for it.
        var view = await ViewAsync(store, workflowId, context.RequestAborted).ConfigureAwait(false);
        return AcceptedWhile(view, WorkflowStatus.Created, WorkflowStatus.Running);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string id, [FromServices] IStateStore store, [FromServices] AdhocTaskBoard board)
    {
        var workflowId = RequireRunnable(id, board, "deleted");
        var cancellationToken = context.RequestAborted;
        if (!await store.DeleteWorkflowAsync(workflowId, cancellationToken).ConfigureAwait(false))
        {
            throw new WorkflowNotFoundException(workflowId);
        }

        if (context.RequestServices.GetService<ICheckpointStore>() is { } checkpoints)
        {
            await checkpoints.DeleteWorkflowAsync(workflowId, cancellationToken).ConfigureAwait(false);
        }

        if (context.RequestServices.GetService<IWorkingMemory>() is { } memory)
        {
            await memory.ClearAsync(workflowId, cancellationToken).ConfigureAwait(false);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> TasksAsync(HttpContext context, string id, [FromServices] IStateStore store, [FromServices] IOptions<AgentManagerApiOptions> options)
    {
        var workflowId = ApiIds.Require(id, "workflow id");
        var status = TaskStates.Parse(QueryValues.String(context.Request, "status"));
        var (limit, offset) = QueryValues.Page(context.Request, options.Value.MaxPageSize);
        _ = await store.GetWorkflowAsync(workflowId, context.RequestAborted).ConfigureAwait(false) ?? throw new WorkflowNotFoundException(workflowId);
        var query = new TaskQuery { WorkflowIds = [workflowId], States = status is { } only ? [only] : null, Offset = offset, Limit = limit };
        var page = await store.QueryTasksAsync(query, context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Ok(new PageView<WorkflowTaskView>([.. page.Tasks.Select(WorkflowViews.Task)], page.Total, limit, offset), ApiJson.Context.PageViewWorkflowTaskView);
    }

    private static async Task<IResult> TaskAsync(HttpContext context, string id, string taskId, [FromServices] IStateStore store)
    {
        var workflowId = ApiIds.Require(id, "workflow id");
        var task = ApiIds.Require(taskId, "task id");
        _ = await store.GetWorkflowAsync(workflowId, context.RequestAborted).ConfigureAwait(false) ?? throw new WorkflowNotFoundException(workflowId);
        var record = await store.GetTaskAsync(workflowId, task, context.RequestAborted).ConfigureAwait(false)
            ?? throw new TaskNotFoundException(task, $"Workflow '{workflowId}' has no task '{task}'.");
        var transitions = await store.GetTransitionsAsync(workflowId, task, context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Ok(WorkflowViews.Detail(record, transitions), ApiJson.Context.TaskDetailView);
    }

    private static async Task<IResult> TransitionsAsync(HttpContext context, string id, [FromServices] IWorkflowEngine engine)
    {
        var transitions = await engine.GetTransitionsAsync(ApiIds.Require(id, "workflow id"), QueryValues.Id(context.Request, "task_id"), context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Ok<IReadOnlyList<TransitionView>>(transitions.Select(WorkflowViews.Transition).ToArray(), ApiJson.Context.IReadOnlyListTransitionView);
    }

    /// <summary>The ad-hoc workflow's tasks are moved one by one through <c>/tasks</c>; it is never started or
    /// cancelled as a whole.</summary>
    private static string RequireRunnable(string id, AdhocTaskBoard board, string operation)
    {
        var workflowId = ApiIds.Require(id, "workflow id");
        return workflowId == board.WorkflowId
            ? throw new ApiException(StatusCodes.Status409Conflict, $"Workflow '{workflowId}' holds the tasks of /tasks, which API calls move one by one; it is not {operation} as a whole.")
            : workflowId;
    }

    /// <summary>200 with the workflow, or 202 when it is still in one of <paramref name="pending"/>: the request waits in
    /// the store for the host that runs it.</summary>
    private static IResult AcceptedWhile(WorkflowView view, params WorkflowStatus[] pending) =>
        Results.Json(
            view,
            ApiJson.Context.WorkflowView,
            statusCode: pending.Any(s => s.ToWireName() == view.Status) ? StatusCodes.Status202Accepted : StatusCodes.Status200OK);

    private static async Task<WorkflowView> ViewAsync(IStateStore store, string workflowId, CancellationToken cancellationToken)
    {
        var workflow = await store.GetWorkflowAsync(workflowId, cancellationToken).ConfigureAwait(false) ?? throw new WorkflowNotFoundException(workflowId);
        var tasks = await store.GetTasksAsync(workflowId, cancellationToken).ConfigureAwait(false);
        var requests = await store.GetWorkflowRequestsAsync([workflowId], cancellationToken).ConfigureAwait(false);
        return WorkflowViews.Workflow(workflow, tasks, await LastEventIdAsync(store, workflowId, cancellationToken).ConfigureAwait(false), requests);
    }

    private static async Task<long> LastEventIdAsync(IStateStore store, string workflowId, CancellationToken cancellationToken)
    {
        var newest = await store.ReadEventsAsync(new EventLogQuery { Filter = new EventFilter(workflowId), Limit = 1, NewestFirst = true }, cancellationToken).ConfigureAwait(false);
        return newest.Count == 0 ? 0 : newest[0].Sequence;
    }
}
