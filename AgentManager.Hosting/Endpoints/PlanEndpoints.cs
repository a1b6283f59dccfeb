using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Http;
using AgentManager.Hosting.Mapping;
using AgentManager.Plans;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AgentManager.Hosting.Endpoints;

/// <summary><c>/task-plans</c>: create, review, edit, confirm, diff and delete task plans.</summary>
internal static class PlanEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        var plans = group.MapGroup("/task-plans").WithTags("Task plans");
        plans.MapPost("", CreateAsync).WithSummary("Creates a draft task plan, version 1.")
            .JsonRequest<NewPlanRequest>().Produces<PlanView>(StatusCodes.Status201Created).Problems(400, 409, 413, 422);
        plans.MapGet("", ListAsync).WithSummary("Lists task plans (current versions), filtered by status, a page at a time.").Produces<PageView<PlanView>>().Problems(422);
        plans.MapGet("/{id}", GetAsync).WithSummary("Reads a task plan, or one of its versions (?version=).").Produces<PlanView>().Problems(404, 422);
        plans.MapPut("/{id}", EditAsync).WithSummary("Replaces the items of a draft plan; refused once the plan is confirmed or when 'version' is not the current one.")
            .JsonRequest<EditPlanRequest>().Produces<PlanView>().Problems(400, 404, 409, 413, 422);
        plans.MapPost("/{id}/confirm", ConfirmAsync).WithSummary("Confirms a draft plan after its checks and blocking hooks; a failing hook leaves it a draft (500).")
            .Produces<PlanView>().Problems(400, 404, 409, 422, 500);
        plans.MapGet("/{id}/diff", DiffAsync).WithSummary("Compares two versions of a plan (?from=&to=).").Produces<PlanDiffView>().Problems(404, 422);
        plans.MapDelete("/{id}", DeleteAsync).WithSummary("Deletes a plan with every version, unless its workflow runs.").Produces(StatusCodes.Status204NoContent).Problems(404, 409, 422);
    }

    private static async Task<IResult> CreateAsync(HttpContext context, [FromServices] TaskPlanService plans)
    {
        var body = await JsonBody.ReadAsync(context, ApiJson.Context.NewPlanRequest).ConfigureAwait(false);
        var plan = await plans.CreateAsync(PlanRequests.NewPlan(body), context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Created($"{context.Request.PathBase}{context.Request.Path}/{plan.PlanId}", PlanViews.Plan(plan), ApiJson.Context.PlanView);
    }

    private static async Task<IResult> ListAsync(HttpContext context, [FromServices] TaskPlanService plans, [FromServices] IOptions<AgentManagerApiOptions> options)
    {
        var status = TaskStates.ParsePlan(QueryValues.String(context.Request, "status"));
        var (limit, offset) = QueryValues.Page(context.Request, options.Value.MaxPageSize);
        var all = (await plans.ListAsync(context.RequestAborted).ConfigureAwait(false)).Where(p => status is null || p.Status == status).ToList();
        var page = all.Skip(offset).Take(limit).Select(PlanViews.Plan).ToArray();
        return ApiResults.Ok(new PageView<PlanView>(page, all.Count, limit, offset), ApiJson.Context.PageViewPlanView);
    }

    private static async Task<IResult> GetAsync(HttpContext context, string id, [FromServices] TaskPlanService plans)
    {
        var plan = await plans.GetAsync(ApiIds.Require(id, "plan id"), QueryValues.Int(context.Request, "version", 1), context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Ok(PlanViews.Plan(plan), ApiJson.Context.PlanView);
    }

    private static async Task<IResult> EditAsync(HttpContext context, string id, [FromServices] TaskPlanService plans)
    {
        var planId = ApiIds.Require(id, "plan id");
        var body = await JsonBody.ReadAsync(context, ApiJson.Context.EditPlanRequest).ConfigureAwait(false);
        var items = PlanRequests.EditedItems(body);
        var version = body.Version ?? (await plans.GetAsync(planId, null, context.RequestAborted).ConfigureAwait(false)).Version;
        var edited = await plans.EditAsync(planId, version, items, context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Ok(PlanViews.Plan(edited), ApiJson.Context.PlanView);
    }

    private static async Task<IResult> ConfirmAsync(HttpContext context, string id, [FromServices] TaskPlanService plans)
    {
        var confirmed = await plans.ConfirmAsync(ApiIds.Require(id, "plan id"), QueryValues.Int(context.Request, "version", 1), context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Ok(PlanViews.Plan(confirmed), ApiJson.Context.PlanView);
    }

    private static async Task<IResult> DiffAsync(HttpContext context, string id, [FromServices] TaskPlanService plans)
    {
        var from = QueryValues.Int(context.Request, "from", 1) ?? throw ApiException.Malformed("Query parameter 'from' is required: the version to compare from.");
        var to = QueryValues.Int(context.Request, "to", 1) ?? throw ApiException.Malformed("Query parameter 'to' is required: the version to compare to.");
        var diff = await plans.DiffAsync(ApiIds.Require(id, "plan id"), from, to, context.RequestAborted).ConfigureAwait(false);
        return ApiResults.Ok(PlanViews.Diff(diff), ApiJson.Context.PlanDiffView);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, string id, [FromServices] TaskPlanService plans)
    {
        await plans.DeleteAsync(ApiIds.Require(id, "plan id"), context.RequestAborted).ConfigureAwait(false);
        return Results.NoContent();
    }
}
