using AgentManager.Hosting.Adhoc;
using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Http;
using AgentManager.Hosting.Mapping;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AgentManager.Hosting.Endpoints;

/// <summary>The original API's flat task DAG: <c>/tasks</c>, kept in the ad-hoc workflow (see
/// <see cref="AdhocTaskBoard"/>).</summary>
internal static class AdhocTaskEndpoints
{
    /// <summary>Maps the endpoints; a change answers 503 (with <c>Retry-After</c>) when another host sharing the store
    /// kept the ad-hoc workflow's lease past the wait.</summary>
    public static void Map(RouteGroupBuilder group)
    {
        var tasks = group.MapGroup("/tasks").WithTags("Tasks");
        tasks.MapPost("", CreateAsync).WithSummary("Creates a task of the flat task DAG; it is ready at once when its dependencies are completed.")
            .JsonRequest<NewAdhocTaskRequest>().Produces<AdhocTaskView>(StatusCodes.Status201Created).Problems(400, 413, 422, 503);
        tasks.MapGet("", ListAsync).WithSummary("Lists the tasks of the flat task DAG, filtered by status, a page at a time.")
            .Produces<PageView<AdhocTaskView>>().Problems(422);
        tasks.MapGet("/ready", ReadyAsync).WithSummary("The ids of the tasks that are ready, and the task counts.").Produces<ReadyTasksView>();
        tasks.MapGet("/{id}", GetAsync).WithSummary("Reads a task.").Produces<AdhocTaskView>().Problems(404, 422);
        tasks.MapPost("/{id}/start", StartAsync).WithSummary("Starts a ready task: it becomes implementing (running).").Produces<TaskStatusView>().Problems(404, 409, 422, 503);
        tasks.MapPost("/{id}/complete", CompleteAsync).WithSummary("Completes a task (actor 'api'); its waiting dependents become ready. A failed task needs a reason.")
            .Produces<TaskStatusView>().Problems(404, 409, 422, 503);
        tasks.MapPost("/{id}/fail", FailAsync).WithSummary("Fails a ready, running or blocked task (actor 'api'); its dependents are cancelled.")
            .Produces<TaskStatusView>().Problems(404, 409, 422, 503);
        tasks.MapPost("/{id}/cancel", CancelAsync).WithSummary("Cancels an unfinished task and its dependents.").Produces<TaskStatusView>().Problems(404, 409, 422, 503);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, [FromServices] AdhocTaskBoard board)
    {
        var body = await JsonBody.ReadAsync(context, ApiJson.Context.NewAdhocTaskRequest).ConfigureAwait(false);
        var fields = new RequestFields();
        var id = fields.Id(body.NodeId, "node_id", required: true);
        if (string.IsNullOrWhiteSpace(body.TaskType))
        {
            fields.Add("task_type", "is required and may not be blank");
        }

        var dependencies = fields.Ids(body.Dependencies, "dependencies").Distinct(StringComparer.Ordinal).ToArray();
        if (body.Metadata is { ValueKind: not System.Text.Json.JsonValueKind.Object and not System.Text.Json.JsonValueKind.Null })
        {
            fields.Add("metadata", "must be a JSON object");
        }

        fields.ThrowIfAny();
        var metadata = body.Metadata is { ValueKind: System.Text.Json.JsonValueKind.Object } given ? given : (System.Text.Json.JsonElement?)null;
        var task = await board.AddAsync(id!, body.TaskType!, dependencies, metadata, RequestId.Of(context), context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Created($"{context.Request.PathBase}{context.Request.Path}/{id}", WorkflowViews.Adhoc(task), ApiJson.Context.AdhocTaskView);
    }

    private static async Task<IResult> ListAsync(HttpContext context, [FromServices] AdhocTaskBoard board, [FromServices] IOptions<AgentManagerApiOptions> options)
    {
        var state = TaskStates.Parse(QueryValues.String(context.Request, "status"));
        var (limit, offset) = QueryValues.Page(context.Request, options.Value.MaxPageSize);
        var tasks = (await board.ListAsync(context.RequestAborted).ConfigureAwait(false)).Where(t => state is null || t.Record.State == state).ToList();
        var page = tasks.Skip(offset).Take(limit).Select(WorkflowViews.Adhoc).ToArray();
        return ApiResults.Ok(new PageView<AdhocTaskView>(page, tasks.Count, limit, offset), ApiJson.Context.PageViewAdhocTaskView);
    }

    private static async Task<IResult> ReadyAsync(HttpContext context, [FromServices] AdhocTaskBoard board)
    {
        var tasks = await board.ListAsync(context.RequestAborted).ConfigureAwait(false);
        var view = new ReadyTasksView(
            tasks.Where(t => t.Record.State == TaskState.Ready).Select(t => t.Record.TaskId).ToArray(),
            tasks.Count,
            tasks.Count(t => t.Record.State is TaskState.Implementing or TaskState.Verifying));
        return ApiResults.Ok(view, ApiJson.Context.ReadyTasksView);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string id, [FromServices] AdhocTaskBoard board)
    {
        var task = await board.GetAsync(ApiIds.Require(id, "task id"), context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Ok(WorkflowViews.Adhoc(task), ApiJson.Context.AdhocTaskView);
    }

    private static Task<IResult> StartAsync(HttpContext context, string id, [FromServices] AdhocTaskBoard board) =>
        MoveAsync(context, id, (taskId, _, correlation, ct) => board.StartAsync(taskId, correlation, ct));

    private static Task<IResult> CompleteAsync(HttpContext context, string id, [FromServices] AdhocTaskBoard board) =>
        MoveAsync(context, id, board.CompleteAsync);

    private static Task<IResult> FailAsync(HttpContext context, string id, [FromServices] AdhocTaskBoard board) =>
        MoveAsync(context, id, board.FailAsync);

    private static Task<IResult> CancelAsync(HttpContext context, string id, [FromServices] AdhocTaskBoard board) =>
        MoveAsync(context, id, board.CancelAsync);

    private static async Task<IResult> MoveAsync(HttpContext context, string id, Func<string, string?, string?, CancellationToken, Task<TaskRecord>> move)
    {
        var taskId = ApiIds.Require(id, "task id");
        var task = await move(taskId, QueryValues.String(context.Request, "reason"), RequestId.Of(context), context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Ok(new TaskStatusView(task.TaskId, task.State.ToWireName()), ApiJson.Context.TaskStatusView);
    }
}
