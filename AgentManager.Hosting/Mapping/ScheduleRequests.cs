using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Http;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Schedules;

namespace AgentManager.Hosting.Mapping;

/// <summary>Turns a <c>POST /schedules</c> body into a <see cref="ScheduleDefinition"/> and the plan its runs are
/// built from: the confirmed task plan it names (copied when the schedule is defined; confirmed plans never
/// change) or the plan it carries. The rules of schedules (cron, time zone, interval) are
/// <see cref="IScheduleService"/>'s; those of plans are <see cref="PlanWorkflowBuilder"/>'s.</summary>
internal static class ScheduleRequests
{
    /// <summary>Refuses a malformed body (422), naming every malformed part.</summary>
    public static void ThrowIfMalformed(NewScheduleRequest body) => Check(body).ThrowIfAny();

    /// <summary>Refuses a malformed <c>PUT /schedules/{id}</c> body (422): the rules of a new schedule, an id that
    /// matches the path's, and no <c>paused</c> (a replaced schedule keeps its paused state; pause and resume change it).</summary>
    public static void ThrowIfMalformedReplacement(NewScheduleRequest body, string scheduleId)
    {
        var fields = Check(body);
        if (!string.Equals(body.ScheduleId, scheduleId, StringComparison.Ordinal))
        {
            fields.Add("schedule_id", $"'{body.ScheduleId}' differs from the schedule id '{scheduleId}' of the path");
        }

        if (body.Paused is not null)
        {
            fields.Add("paused", "cannot be replaced: the schedule keeps its paused state; use POST /schedules/{id}/pause or /resume");
        }

        fields.ThrowIfAny();
    }

    /// <summary>Gets the body to keep: for a <c>plan_id</c>, the same body with the <c>plan_version</c> it runs (the one
    /// given, else the plan's latest), which must be confirmed; a body with a <c>plan</c> as it is.</summary>
    /// <exception cref="PlanNotFoundException">No plan has the id, or not that version (404).</exception>
    /// <exception cref="ApiException">The version is a draft (409).</exception>
    public static async Task<NewScheduleRequest> ResolveAsync(NewScheduleRequest body, TaskPlanService plans, CancellationToken cancellationToken)
    {
        if (body.PlanId is not { } planId)
        {
            return body;
        }

        var plan = await plans.GetAsync(planId, body.PlanVersion, cancellationToken).ConfigureAwait(false);
        if (plan.Status != PlanStatus.Confirmed)
        {
            throw new ApiException(
                StatusCodes.Status409Conflict,
                body.PlanVersion is null
                    ? $"Task plan '{planId}' is a draft; confirm it (POST /task-plans/{planId}/confirm) before scheduling it."
                    : $"Version {plan.Version} of task plan '{planId}' is a draft; schedule a confirmed version.");
        }

        return new NewScheduleRequest
        {
            ScheduleId = body.ScheduleId,
            Cron = body.Cron,
            TimeZone = body.TimeZone,
            IntervalSeconds = body.IntervalSeconds,
            MissedRunPolicy = body.MissedRunPolicy,
            AllowOverlap = body.AllowOverlap,
            Paused = body.Paused,
            PlanId = plan.PlanId,
            PlanVersion = plan.Version,
        };
    }

    /// <summary>Gets the definition of a resolved body (see <see cref="ResolveAsync"/>) and, when the body carries its
    /// plan, that plan; a <c>plan_id</c> becomes the definition's stored plan.</summary>
    /// <exception cref="ApiException">The body is malformed (422).</exception>
    public static (ScheduleDefinition Definition, NewTaskPlan? Plan) Definition(NewScheduleRequest body)
    {
        var fields = Check(body);
        if (body.PlanId is not null && body.PlanVersion is null)
        {
            fields.Add("plan_version", "is required here: a plan_id is resolved to its version before the schedule is defined");
        }

        var plan = body.Plan is null ? null : Inline(body.Plan, fields);
        fields.ThrowIfAny();
        var policy = MissedRunPolicyNames.TryParse(body.MissedRunPolicy, out var parsed) ? parsed : MissedRunPolicy.Skip;
        var definition = new ScheduleDefinition
        {
            Id = body.ScheduleId!,
            Cron = body.Cron,
            TimeZone = body.TimeZone,
            Interval = body.IntervalSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            MissedRunPolicy = policy,
            AllowOverlap = body.AllowOverlap ?? false,
            Paused = body.Paused ?? false,
            PlanId = body.PlanId,
            PlanVersion = body.PlanVersion,
        };
        if (plan is null)
        {
            return (definition, null);
        }

        var named = new NewTaskPlan
        {
            PlanId = plan.PlanId ?? definition.Id,
            CreatedBy = plan.CreatedBy,
            Items = plan.Items,
            Metadata = plan.Metadata,
        };
        return (definition, named);
    }

    public static ScheduleView View(ScheduleRecord s) => new(
        s.ScheduleId,
        s.Cron,
        s.TimeZone,
        s.Interval?.TotalSeconds,
        s.PlanPath,
        s.PlanId,
        s.PlanVersion,
        s.MissedRunPolicy.ToWireName(),
        s.AllowOverlap,
        s.Paused,
        s.NextRun,
        s.LastOccurrence,
        s.LastWorkflowId,
        s.RunningWorkflowId,
        s.UpdatedAt);

    private static RequestFields Check(NewScheduleRequest body)
    {
        var fields = new RequestFields();
        fields.Id(body.ScheduleId, "schedule_id", required: true);
        fields.Id(body.PlanId, "plan_id", required: false);
        fields.Seconds(body.IntervalSeconds, "interval_seconds");
        if (body.MissedRunPolicy is not null && !MissedRunPolicyNames.TryParse(body.MissedRunPolicy, out _))
        {
            fields.Add("missed_run_policy", $"'{body.MissedRunPolicy}' is not a missed-run policy; it is skip or run_once");
        }

        if ((body.PlanId is null) == (body.Plan is null))
        {
            fields.Add("plan_id", "or 'plan' is required, and not both: each firing runs a confirmed task plan or the plan given here");
        }

        if (body.PlanVersion is { } version && body.PlanId is null)
        {
            fields.Add("plan_version", $"{version} is given without a plan_id; it pins the version of a stored plan");
        }
        else if (body.PlanVersion is < 1)
        {
            fields.Add("plan_version", $"{body.PlanVersion} is not a plan version; versions start at 1");
        }
        else if (body.Plan is not null)
        {
            Inline(body.Plan, fields);
        }

        return fields;
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
}
