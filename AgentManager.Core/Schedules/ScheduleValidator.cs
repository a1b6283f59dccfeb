using AgentManager.Plans;

namespace AgentManager.Schedules;

/// <summary>The rules of a <see cref="ScheduleDefinition"/>, shared by code definitions (fields named by
/// property) and schedule files (fields named by wire name).</summary>
internal static class ScheduleValidator
{
    /// <summary>Checks a definition, recording a problem per broken rule.</summary>
    /// <returns>The timing when the definition is valid; otherwise <see langword="null"/>.</returns>
    public static ScheduleTiming? Check(ScheduleDefinition definition, ICollection<(ScheduleField Field, string Message)> problems)
    {
        var before = problems.Count;
        if (!Ids.IsValid(definition.Id))
        {
            problems.Add((ScheduleField.Id, Ids.Describe(definition.Id)));
        }
        else if (definition.Id.Length > ScheduleDefinition.MaxIdLength)
        {
            problems.Add((ScheduleField.Id, $"'{definition.Id[..20]}...' has {definition.Id.Length} characters; a schedule id has at most {ScheduleDefinition.MaxIdLength}, to leave room for the occurrence in its runs' workflow ids"));
        }

        var timing = ScheduleTiming.Parse(definition.Id ?? "", definition.Cron, definition.TimeZone, definition.Interval, problems);
        var sources = (definition.PlanId is null ? 0 : 1) + (definition.PlanPath is null ? 0 : 1) + (definition.WorkflowFactory is null ? 0 : 1);
        if (sources == 0)
        {
            problems.Add((ScheduleField.Plan, "a schedule needs a stored plan (PlanId), a plan file or a workflow factory to start its runs; none is set"));
        }
        else if (sources > 1)
        {
            problems.Add((ScheduleField.Plan, "a schedule has one of a stored plan (PlanId), a plan file and a workflow factory, not several"));
        }

        CheckStoredPlan(definition, problems);
        switch (definition.PlanPath, definition.WorkflowFactory)
        {
            case ({ } path, null) when string.IsNullOrWhiteSpace(path):
                problems.Add((ScheduleField.Plan, "is blank; it must name a plan file"));
                break;
            case ({ } path, null) when !File.Exists(Path.GetFullPath(path)):
                problems.Add((ScheduleField.Plan, $"the plan file '{Path.GetFullPath(path)}' does not exist"));
                break;
            default:
                break;
        }

        if (!Enum.IsDefined(definition.MissedRunPolicy))
        {
            problems.Add((ScheduleField.MissedRunPolicy, $"{(int)definition.MissedRunPolicy} is not a defined MissedRunPolicy; use Skip or RunOnce"));
        }

        return problems.Count > before ? null : timing;
    }

    private static void CheckStoredPlan(ScheduleDefinition definition, ICollection<(ScheduleField Field, string Message)> problems)
    {
        if (definition.PlanId is { } planId && !Ids.IsValid(planId))
        {
            problems.Add((ScheduleField.PlanId, Ids.Describe(planId)));
        }

        switch (definition.PlanId, definition.PlanVersion)
        {
            case (not null, null):
                problems.Add((ScheduleField.PlanVersion, "is required with a stored plan: it names the confirmed version each run is built from"));
                break;
            case (null, not null):
                problems.Add((ScheduleField.PlanVersion, $"{definition.PlanVersion} is set without a PlanId; it is the version of a stored plan"));
                break;
            case (not null, < 1):
                problems.Add((ScheduleField.PlanVersion, $"{definition.PlanVersion} is not a plan version; versions start at 1"));
                break;
            default:
                break;
        }
    }

    /// <summary>Checks that the stored plan of a definition that names one exists in the plan store and that its
    /// version is confirmed, recording a problem otherwise.</summary>
    public static async Task CheckStoredPlanExistsAsync(ScheduleDefinition definition, TaskPlanService plans, ICollection<string> errors, CancellationToken cancellationToken)
    {
        if (definition is not { PlanId: { } planId, PlanVersion: { } version and >= 1 } || !Ids.IsValid(planId))
        {
            return;
        }

        try
        {
            var plan = await plans.GetAsync(planId, version, cancellationToken).ConfigureAwait(false);
            if (plan.Status != PlanStatus.Confirmed)
            {
                errors.Add(Describe(definition.Id, (ScheduleField.PlanVersion, $"version {version} of task plan '{planId}' is {plan.Status.ToWireName()}; a schedule runs a confirmed version")));
            }
        }
        catch (PlanNotFoundException exception)
        {
            errors.Add(Describe(definition.Id, (exception.Version is null ? ScheduleField.PlanId : ScheduleField.PlanVersion, exception.Message.TrimEnd('.'))));
        }
    }

    /// <summary>Checks definitions from code, each and together (ids must be unique).</summary>
    /// <returns>Every problem as a sentence naming the schedule, the property and the rule.</returns>
    public static List<string> Check(IEnumerable<ScheduleDefinition> definitions, out List<(ScheduleDefinition Definition, ScheduleTiming Timing)> valid)
    {
        var errors = new List<string>();
        valid = [];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            if (definition is null)
            {
                errors.Add("A schedule definition is null.");
                continue;
            }

            var problems = new List<(ScheduleField Field, string Message)>();
            var timing = Check(definition, problems);
            errors.AddRange(problems.Select(problem => Describe(definition.Id, problem)));
            if (definition.Id is not null && !ids.Add(definition.Id))
            {
                errors.Add($"Schedule '{definition.Id}' is defined more than once; schedule ids must be unique.");
            }
            else if (timing is not null)
            {
                valid.Add((definition, timing));
            }
        }

        return errors;
    }

    /// <summary>Checks one definition from code and throws every broken rule at once.</summary>
    public static ScheduleTiming ThrowIfInvalid(ScheduleDefinition definition)
    {
        var problems = new List<(ScheduleField Field, string Message)>();
        var timing = Check(definition, problems);
        return timing ?? throw new ScheduleConfigurationException(problems.Select(problem => Describe(definition.Id, problem)), definition.Id);
    }

    public static string Describe(string? scheduleId, (ScheduleField Field, string Message) problem) =>
        $"Schedule '{scheduleId}': {PropertyName(problem.Field)}: {problem.Message}.";

    public static string PropertyName(ScheduleField field) => field switch
    {
        ScheduleField.Id => nameof(ScheduleDefinition.Id),
        ScheduleField.Cron => nameof(ScheduleDefinition.Cron),
        ScheduleField.TimeZone => nameof(ScheduleDefinition.TimeZone),
        ScheduleField.Interval => nameof(ScheduleDefinition.Interval),
        ScheduleField.Plan => nameof(ScheduleDefinition.PlanPath),
        ScheduleField.PlanId => nameof(ScheduleDefinition.PlanId),
        ScheduleField.PlanVersion => nameof(ScheduleDefinition.PlanVersion),
        _ => nameof(ScheduleDefinition.MissedRunPolicy),
    };

    public static string WireName(ScheduleField field) => field switch
    {
        ScheduleField.Id => "id",
        ScheduleField.Cron => "cron",
        ScheduleField.TimeZone => "time_zone",
        ScheduleField.Interval => "interval_seconds",
        ScheduleField.Plan => "plan",
        ScheduleField.PlanId => "plan_id",
        ScheduleField.PlanVersion => "plan_version",
        _ => "missed_run_policy",
    };
}
