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
        switch (definition.PlanPath, definition.WorkflowFactory)
        {
            case (null, null):
                problems.Add((ScheduleField.Plan, "a schedule needs a plan file or a workflow factory to start its runs; neither is set"));
                break;
            case (not null, not null):
                problems.Add((ScheduleField.Plan, "a schedule has either a plan file or a workflow factory, not both"));
                break;
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
        _ => nameof(ScheduleDefinition.MissedRunPolicy),
    };

    public static string WireName(ScheduleField field) => field switch
    {
        ScheduleField.Id => "id",
        ScheduleField.Cron => "cron",
        ScheduleField.TimeZone => "time_zone",
        ScheduleField.Interval => "interval_seconds",
        ScheduleField.Plan => "plan",
        _ => "missed_run_policy",
    };
}
