using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Http;
using AgentManager.Hosting.Mapping;
using AgentManager.Hosting.Schedules;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Schedules;
using AgentManager.Workflows;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentManager.Hosting.Endpoints;

/// <summary><c>/schedules</c>: list, read, define (cron or interval; a confirmed plan or a plan in the body),
/// replace a definition made here, pause, resume and delete. Needs <c>AddSchedules()</c>; without it every schedule endpoint answers 404. A
/// schedule defined here is kept in <see cref="AgentManagerApiOptions.SchedulePlanDirectory"/> (see
/// <see cref="ApiSchedules"/>) until it is deleted here.</summary>
internal static class ScheduleEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        var schedules = group.MapGroup("/schedules").WithTags("Schedules");
        schedules.MapGet("", ListAsync).WithSummary("Lists the schedules by id, a page at a time.").Produces<PageView<ScheduleView>>().Problems(404, 422);
        schedules.MapGet("/{id}", GetAsync).WithSummary("Reads a schedule: its timing, whether it is paused, its next and last run.").Produces<ScheduleView>().Problems(404, 422);
        schedules.MapPost("", CreateAsync)
            .WithSummary("Defines a schedule: cron (with time_zone) or interval_seconds, and plan_id (a confirmed task plan, optionally plan_version) or plan (a plan body); 409 when the id is taken.")
            .JsonRequest<NewScheduleRequest>().Produces<ScheduleView>(StatusCodes.Status201Created).Problems(400, 404, 409, 413, 422);
        schedules.MapPut("/{id}", ReplaceAsync)
            .WithSummary("Replaces a schedule defined over HTTP (timing, plan, policies); it keeps its paused state and runs, and its next run is computed again when its timing changed.")
            .JsonRequest<NewScheduleRequest>().Produces<ScheduleView>().Problems(400, 404, 409, 413, 422);
        schedules.MapPost("/{id}/pause", PauseAsync).WithSummary("Pauses a schedule: it starts no run until resumed; a run in progress goes on.")
            .Produces<ScheduleView>().Problems(404, 422);
        schedules.MapPost("/{id}/resume", ResumeAsync).WithSummary("Resumes a paused schedule; occurrences that passed while it was paused are not run.")
            .Produces<ScheduleView>().Problems(400, 404, 422);
        schedules.MapDelete("/{id}", DeleteAsync).WithSummary("Deletes a schedule; its workflows are kept.").Produces(StatusCodes.Status204NoContent).Problems(404, 422);
    }

    private static IScheduleService Service(HttpContext context) =>
        context.RequestServices.GetService<IScheduleService>()
        ?? throw new ApiException(StatusCodes.Status404NotFound, "Schedules are not enabled on this host; register them with services.AddAgentManager().AddSchedules().");

    private static async Task<IResult> ListAsync(HttpContext context, [FromServices] IOptions<AgentManagerApiOptions> options)
    {
        var service = Service(context);
        var (limit, offset) = QueryValues.Page(context.Request, options.Value.MaxPageSize);
        var all = await service.ListAsync(context.RequestAborted).ConfigureAwait(false);
        var page = all.Skip(offset).Take(limit).Select(ScheduleRequests.View).ToArray();
        return ApiResults.Ok(new PageView<ScheduleView>(page, all.Count, limit, offset), ApiJson.Context.PageViewScheduleView);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string id)
    {
        var service = Service(context);
        var record = await service.GetAsync(ApiIds.Require(id, "schedule id"), context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Ok(ScheduleRequests.View(record), ApiJson.Context.ScheduleView);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, [FromServices] TaskPlanService plans, [FromServices] IStateStore store, [FromServices] ApiSchedules kept, [FromServices] IWorkflowEngine engine)
    {
        var service = Service(context);
        var cancellationToken = context.RequestAborted;
        var body = await JsonBody.ReadAsync(context, ApiJson.Context.NewScheduleRequest).ConfigureAwait(false);
        ScheduleRequests.ThrowIfMalformed(body);
        if (await store.GetScheduleAsync(body.ScheduleId!, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new ApiException(StatusCodes.Status409Conflict, $"Schedule '{body.ScheduleId}' already exists; delete it first to define it again.");
        }

        var resolved = await ScheduleRequests.ResolveAsync(body, plans, cancellationToken).ConfigureAwait(false);
        var record = await kept.DefineAsync(service, engine, resolved, previous: null, cancellationToken).ConfigureAwait(false);
        return ApiResults.Created($"{context.Request.PathBase}{context.Request.Path}/{record.ScheduleId}", ScheduleRequests.View(record), ApiJson.Context.ScheduleView);
    }

    private static async Task<IResult> ReplaceAsync(HttpContext context, string id, [FromServices] TaskPlanService plans, [FromServices] ApiSchedules kept, [FromServices] IWorkflowEngine engine)
    {
        var service = Service(context);
        var cancellationToken = context.RequestAborted;
        var scheduleId = ApiIds.Require(id, "schedule id");
        var body = await JsonBody.ReadAsync(context, ApiJson.Context.NewScheduleRequest).ConfigureAwait(false);
        body.ScheduleId ??= scheduleId;
        ScheduleRequests.ThrowIfMalformedReplacement(body, scheduleId);
        await service.GetAsync(scheduleId, cancellationToken).ConfigureAwait(false);
        var previous = await kept.ReadKeptAsync(scheduleId, cancellationToken).ConfigureAwait(false)
            ?? throw new ApiException(StatusCodes.Status409Conflict, $"Schedule '{scheduleId}' is defined by the host's configuration, not over HTTP; change it there.");

        var resolved = await ScheduleRequests.ResolveAsync(body, plans, cancellationToken).ConfigureAwait(false);
        var record = await kept.DefineAsync(service, engine, resolved, previous, cancellationToken).ConfigureAwait(false);

        return ApiResults.Ok(ScheduleRequests.View(record), ApiJson.Context.ScheduleView);
    }

    private static async Task<IResult> PauseAsync(HttpContext context, string id)
    {
        var record = await Service(context).PauseAsync(ApiIds.Require(id, "schedule id"), context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Ok(ScheduleRequests.View(record), ApiJson.Context.ScheduleView);
    }

    private static async Task<IResult> ResumeAsync(HttpContext context, string id)
    {
        var record = await Service(context).ResumeAsync(ApiIds.Require(id, "schedule id"), context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Ok(ScheduleRequests.View(record), ApiJson.Context.ScheduleView);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string id, [FromServices] ApiSchedules kept)
    {
        var service = Service(context);
        var scheduleId = ApiIds.Require(id, "schedule id");
        if (!await service.DeleteAsync(scheduleId, context.RequestAborted).ConfigureAwait(false))
        {
            throw new ScheduleNotFoundException(scheduleId);
        }

        kept.Forget(scheduleId);
        return Results.NoContent();
    }
}
