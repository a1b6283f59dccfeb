using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Http;
using AgentManager.Hosting.Schedules;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Schedules;

namespace AgentManager.Hosting.Mapping;

/// <summary>Turns a <c>POST /schedules</c> body into a <see cref="ScheduleDefinition"/> whose plan file holds the
/// confirmed plan it names or the plan it carries. The rules of schedules (cron, time zone, interval) are
/// <see cref="IScheduleService"/>'s; those of plans are the plan file's.</summary>
internal static class ScheduleRequests
{
    public static async Task<ScheduleDefinition> DefinitionAsync(NewScheduleRequest body, TaskPlanService plans, SchedulePlanFiles files, CancellationToken cancellationToken)
    {
        var fields = new RequestFields();
        var scheduleId = fields.Id(body.ScheduleId, "schedule_id", required: true);
        var planId = fields.Id(body.PlanId, "plan_id", required: false);
        var interval = fields.Seconds(body.IntervalSeconds, "interval_seconds");
        var policy = MissedRunPolicy.Skip;
        if (body.MissedRunPolicy is not null && !MissedRunPolicyNames.TryParse(body.MissedRunPolicy, out policy))
        {
            fields.Add("missed_run_policy", $"'{body.MissedRunPolicy}' is not a missed-run policy; it is skip or run_once");
        }

        if ((planId is null) == (body.Plan is null))
        {
            fields.Add("plan_id", "or 'plan' is required, and not both: each firing runs a confirmed task plan or the plan given here");
        }

        var inline = body.Plan is null ? null : Inline(body.Plan, fields);
        fields.ThrowIfAny();

        string path;
        if (inline is not null)
        {
            path = await files.WriteAsync(scheduleId!, inline.PlanId ?? scheduleId!, inline.CreatedBy, inline.Items, inline.Metadata, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var plan = await plans.GetAsync(planId!, null, cancellationToken).ConfigureAwait(false);
            if (plan.Status != PlanStatus.Confirmed)
            {
                throw new ApiException(StatusCodes.Status409Conflict, $"Task plan '{planId}' is a draft; confirm it (POST /task-plans/{planId}/confirm) before scheduling it.");
            }

            path = await files.WriteAsync(scheduleId!, plan.PlanId, plan.CreatedBy, plan.Items, plan.Metadata, cancellationToken).ConfigureAwait(false);
        }

        return new ScheduleDefinition
        {
            Id = scheduleId!,
            Cron = body.Cron,
            TimeZone = body.TimeZone,
            Interval = interval,
            PlanPath = path,
            MissedRunPolicy = policy,
            AllowOverlap = body.AllowOverlap ?? false,
            Paused = body.Paused ?? false,
        };
    }

    /// <summary>The plan given in the body, in the shape of <c>POST /task-plans</c>; its malformed parts are
    /// reported under <c>plan.</c>.</summary>
    private static NewTaskPlan? Inline(NewPlanRequest plan, RequestFields fields)
    {
        try
        {
            return PlanRequests.NewPlan(plan);
        }
        catch (ApiException exception) when (exception.Errors is { } errors)
        {
            foreach (var error in errors)
            {
                fields.Add("plan." + error.Field, error.Message);
            }

            return null;
        }
    }

    public static ScheduleView View(ScheduleRecord s) => new(
        s.ScheduleId,
        s.Cron,
        s.TimeZone,
        s.Interval?.TotalSeconds,
        s.PlanPath,
        s.MissedRunPolicy.ToWireName(),
        s.AllowOverlap,
        s.Paused,
        s.NextRun,
        s.LastOccurrence,
        s.LastWorkflowId,
        s.RunningWorkflowId,
        s.UpdatedAt);
}
