using AgentManager.Events;
using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Events;
using AgentManager.Hosting.Http;
using AgentManager.Hosting.Mapping;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AgentManager.Hosting.Endpoints;

/// <summary><c>/events</c> and <c>/workflows/{id}/events</c> as Server-Sent Events (resumable with
/// <c>Last-Event-ID</c>), and their paged JSON history (<c>.../events/history</c>).</summary>
internal static class EventEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        var events = group.WithTags("Events");
        events.MapGet("/events", StreamAllAsync)
            .WithSummary("Streams events as Server-Sent Events (?type= patterns, ?workflow_id=); resumes after Last-Event-ID (or ?after=), else starts now.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").Problems(422);
        events.MapGet("/workflows/{id}/events", StreamWorkflowAsync)
            .WithSummary("Streams one workflow's events as Server-Sent Events; resumes after Last-Event-ID (or ?after=).")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").Problems(422);
        events.MapGet("/events/history", HistoryAsync)
            .WithSummary("Pages through the event log (?after=, ?before=, ?limit=, ?order=asc|desc, ?type=, ?workflow_id=).")
            .Produces<EventPageView>().Problems(422);
        events.MapGet("/workflows/{id}/events/history", WorkflowHistoryAsync)
            .WithSummary("Pages through one workflow's event log.").Produces<EventPageView>().Problems(404, 422);
    }

    private static Task StreamAllAsync(HttpContext context, [FromServices] EventStream stream, [FromServices] IOptions<AgentManagerApiOptions> options) =>
        StreamAsync(context, stream, options, QueryValues.Id(context.Request, "workflow_id"));

    private static Task StreamWorkflowAsync(HttpContext context, string id, [FromServices] EventStream stream, [FromServices] IOptions<AgentManagerApiOptions> options) =>
        StreamAsync(context, stream, options, ApiIds.Require(id, "workflow id"));

    private static async Task StreamAsync(HttpContext context, EventStream stream, IOptions<AgentManagerApiOptions> options, string? workflowId)
    {
        var filter = Filter(context.Request, workflowId);
        var after = LastEventId(context.Request) ?? QueryValues.Long(context.Request, "after");
        await stream.WriteAsync(context, filter, after, options.Value.EventStreamHeartbeat).ConfigureAwait(false);
    }

    private static Task<IResult> HistoryAsync(HttpContext context, [FromServices] IStateStore store, [FromServices] IOptions<AgentManagerApiOptions> options) =>
        PageAsync(context, store, options, QueryValues.Id(context.Request, "workflow_id"));

    private static async Task<IResult> WorkflowHistoryAsync(HttpContext context, string id, [FromServices] IStateStore store, [FromServices] IOptions<AgentManagerApiOptions> options)
    {
        var workflowId = ApiIds.Require(id, "workflow id");
        _ = await store.GetWorkflowAsync(workflowId, context.RequestAborted).ConfigureAwait(false) ?? throw new WorkflowNotFoundException(workflowId);
        return await PageAsync(context, store, options, workflowId).ConfigureAwait(false);
    }

    private static async Task<IResult> PageAsync(HttpContext context, IStateStore store, IOptions<AgentManagerApiOptions> options, string? workflowId)
    {
        var request = context.Request;
        var order = QueryValues.String(request, "order") ?? "asc";
        if (order is not ("asc" or "desc"))
        {
            throw ApiException.Malformed($"Query parameter 'order' is '{order}'; it must be asc or desc.");
        }

        var query = new EventLogQuery
        {
            Filter = Filter(request, workflowId),
            After = QueryValues.Long(request, "after") ?? 0,
            Before = QueryValues.Long(request, "before"),
            Limit = Math.Min(QueryValues.Int(request, "limit", 1) ?? 100, options.Value.MaxPageSize),
            NewestFirst = order == "desc",
        };
        var page = await store.ReadEventsAsync(query, context.RequestAborted).ConfigureAwait(false);
        var view = new EventPageView(page.Select(WorkflowViews.Event).ToArray(), page.Count == 0 ? null : page[^1].Sequence);
        return ApiResults.Ok(view, ApiJson.Context.EventPageView);
    }

    /// <summary>Type patterns come as repeated or comma-separated <c>type</c> values: <c>task_*</c>,
    /// <c>workflow_completed</c>, <c>*</c>.</summary>
    private static EventFilter Filter(HttpRequest request, string? workflowId)
    {
        var types = request.Query["type"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        try
        {
            return new EventFilter(workflowId, types);
        }
        catch (ArgumentException exception)
        {
            throw ApiException.Malformed($"Query parameter 'type': {ArgumentMessages.WithoutParameter(exception)}");
        }
    }

    private static long? LastEventId(HttpRequest request)
    {
        var header = request.Headers["Last-Event-ID"].ToString();
        return header.Length == 0 ? null
            : long.TryParse(header, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id
            : throw ApiException.Malformed($"The Last-Event-ID header is '{header}'; it must be the id of an event this API sent (a whole number).");
    }
}
