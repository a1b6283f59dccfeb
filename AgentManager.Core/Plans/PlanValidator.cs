using System.Globalization;
using AgentManager.Agents;
using AgentManager.Execution;
using AgentManager.Graph;
using AgentManager.Hooks;

namespace AgentManager.Plans;

/// <summary>The rules of task plans. Every check collects all the problems it finds, in item order.</summary>
internal static class PlanValidator
{
    /// <summary>The most dependency cycles reported for one plan.</summary>
    internal const int MaxCycles = 10;

    /// <summary>Checks the plan-level fields of a new plan.</summary>
    public static void CheckNewPlan(NewTaskPlan plan, List<PlanValidationError> errors)
    {
        if (plan.PlanId is { } planId && !Ids.IsValid(planId))
        {
            errors.Add(new(null, null, "plan_id", Ids.Describe(planId)));
        }

        CheckEntries(plan.TemporaryRoles, "temporary_roles", null, null, errors);
        CheckEntries(plan.SelectedTemplates, "selected_templates", null, null, errors);
        CheckEntries(plan.PreferredAssignees, "preferred_assignees", null, null, errors);
        CheckMetadata(plan.Metadata, null, null, errors);
    }

    /// <summary>Checks items against the rules that hold for drafts: ids, titles, dependencies and cycles,
    /// priorities, workdirs, the syntax of verification commands, and the other fields' ranges.</summary>
    public static void CheckItems(IReadOnlyList<PlanItem?> items, List<PlanValidationError> errors)
    {
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var graphIds = new List<string>();
        for (var i = 0; i < items.Count; i++)
        {
            // Every id is known before any item is checked, so a dependency on a later item counts as known.
            if (items[i] is { Id.Length: > 0 } item && firstIndex.TryAdd(item.Id, i) && Ids.IsValid(item.Id))
            {
                graphIds.Add(item.Id);
            }
        }

        var graphIdSet = graphIds.ToHashSet(StringComparer.Ordinal);
        var edges = new List<TaskDependency>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is { } item)
            {
                CheckItem(item, i, firstIndex, graphIdSet, edges, errors);
            }
            else
            {
                errors.Add(new(null, i, "items", "the entry is null"));
            }
        }

        foreach (var cycle in FindCycles(graphIds, edges))
        {
            errors.Add(new(
                cycle[0],
                firstIndex[cycle[0]],
                "dependencies",
                $"dependency cycle {string.Join(" -> ", cycle)} (each item depends on the next); remove one of these dependencies"));
        }
    }

    /// <summary>Checks what confirming needs beyond the draft rules: at least one item, a verification
    /// command, and an assignee of the catalog whose profile resolves every required skill.</summary>
    public static void CheckForConfirm(IReadOnlyList<PlanItem?> items, AgentCatalog catalog, List<PlanValidationError> errors)
    {
        if (items.Count == 0)
        {
            errors.Add(new(null, null, "items", "a plan needs at least one item to be confirmed"));
        }

        var known = catalog.Profiles.Select(profile => profile.AgentId).ToList();
        var agents = known.Count == 0 ? "(none)" : string.Join(", ", known);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } item)
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(item.Verification))
            {
                errors.Add(new(item.Id, i, "verification", "required to confirm: a command whose exit code 0 accepts the work, for example \"dotnet test\""));
            }

            if (string.IsNullOrWhiteSpace(item.Assignee))
            {
                errors.Add(new(item.Id, i, "assignee", $"required to confirm: the agent id that runs the item; known agents: {agents}"));
                continue;
            }

            if (!catalog.TryGetProfile(item.Assignee, out _))
            {
                errors.Add(new(item.Id, i, "assignee", $"'{item.Assignee}' is not an agent of the catalog; known agents: {agents}"));
                continue;
            }

            var resolved = catalog.Resolve(item.Assignee);
            var skills = resolved.Skills.Select(skill => skill.Name).ToHashSet(StringComparer.Ordinal);
            for (var j = 0; j < item.RequiredSkills.Count; j++)
            {
                var skill = item.RequiredSkills[j];
                if (string.IsNullOrWhiteSpace(skill) || skills.Contains(skill))
                {
                    continue;
                }

                var has = skills.Count == 0 ? "none" : string.Join(", ", skills.Order(StringComparer.Ordinal));
                errors.Add(new(item.Id, i, $"required_skills[{j}]", $"agent '{item.Assignee}' cannot resolve skill '{skill}'; the skills its profile resolves: {has}"));
            }
        }
    }

    private static void CheckItem(
        PlanItem item,
        int i,
        Dictionary<string, int> firstIndex,
        HashSet<string> graphIds,
        List<TaskDependency> edges,
        List<PlanValidationError> errors)
    {
        var id = item.Id;
        if (id.Length == 0)
        {
            errors.Add(new(id, i, "id", "required; every item needs an id matching " + Ids.Pattern));
        }
        else if (firstIndex[id] != i)
        {
            errors.Add(new(id, i, "id", $"'{id}' is already the id of items[{firstIndex[id]}]; item ids must be unique"));
        }
        else if (!Ids.IsValid(id))
        {
            errors.Add(new(id, i, "id", Ids.Describe(id)));
        }

        if (string.IsNullOrWhiteSpace(item.Title))
        {
            errors.Add(new(id, i, "title", "required: a short human title; it must not be blank"));
        }

        if (item.Priority < 0)
        {
            errors.Add(new(id, i, "priority", string.Create(CultureInfo.InvariantCulture, $"{item.Priority} is negative; priorities are 0 or more")));
        }

        var isGraphNode = firstIndex.TryGetValue(id, out var first) && first == i && graphIds.Contains(id);
        for (var j = 0; j < item.Dependencies.Count; j++)
        {
            var dependency = item.Dependencies[j];
            var at = $"dependencies[{j}]";
            if (string.IsNullOrWhiteSpace(dependency))
            {
                errors.Add(new(id, i, at, "must not be blank; name the id of another item"));
            }
            else if (dependency == id)
            {
                errors.Add(new(id, i, at, $"dependency cycle {id} -> {id}: an item cannot depend on itself"));
            }
            else if (!firstIndex.ContainsKey(dependency))
            {
                errors.Add(new(id, i, at, $"'{dependency}' is not an item of this plan"));
            }
            else if (isGraphNode && graphIds.Contains(dependency))
            {
                edges.Add(new TaskDependency(id, dependency));
            }
        }

        CheckEntries(item.RequiredSkills, "required_skills", id, i, errors);
        CheckEntries(item.Resources, "resources", id, i, errors);
        if (item.Workdir is { } workdir && WorkdirPath.CheckRelative(workdir) is { } workdirError)
        {
            errors.Add(new(id, i, "workdir", workdirError));
        }

        if (!string.IsNullOrWhiteSpace(item.Verification))
        {
            try
            {
                _ = CommandLine.Split(item.Verification);
            }
            catch (ArgumentException exception)
            {
                errors.Add(new(id, i, "verification", ErrorText.Of(exception)));
            }
        }

        if (item.MaxAttempts is < 1)
        {
            errors.Add(new(id, i, "max_attempts", string.Create(CultureInfo.InvariantCulture, $"{item.MaxAttempts} is less than 1; omit it to use the engine's retry policy")));
        }

        if (item.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            errors.Add(new(id, i, "timeout_seconds", string.Create(CultureInfo.InvariantCulture, $"{timeout.TotalSeconds} is not positive; omit it to use the engine's default")));
        }
        else if (item.Timeout > TimerLimit.Max)
        {
            errors.Add(new(id, i, "timeout_seconds", string.Create(CultureInfo.InvariantCulture, $"{item.Timeout.Value.TotalSeconds} is more than {TimerLimit.Max.TotalSeconds} (about 49.7 days, the longest delay a timer accepts)")));
        }

        CheckMetadata(item.Metadata, id, i, errors);
    }

    private static void CheckEntries(IReadOnlyList<string> entries, string field, string? id, int? index, List<PlanValidationError> errors)
    {
        for (var j = 0; j < entries.Count; j++)
        {
            if (string.IsNullOrWhiteSpace(entries[j]))
            {
                errors.Add(new(id, index, $"{field}[{j}]", entries[j] is null ? "must not be null" : "must not be blank"));
            }
        }
    }

    private static void CheckMetadata(IReadOnlyDictionary<string, string> metadata, string? id, int? index, List<PlanValidationError> errors)
    {
        foreach (var (key, value) in metadata)
        {
            if (value is null)
            {
                errors.Add(new(id, index, $"metadata.{key}", "the value is null; use \"\" for an empty value"));
            }
        }
    }

    /// <summary>Finds up to <see cref="MaxCycles"/> dependency cycles: after each one found, one of its edges is
    /// set aside and the rest checked again.</summary>
    private static List<IReadOnlyList<string>> FindCycles(List<string> ids, List<TaskDependency> edges)
    {
        var cycles = new List<IReadOnlyList<string>>();
        var remaining = edges.Distinct().ToList();
        while (cycles.Count < MaxCycles)
        {
            try
            {
                new TaskGraph().AddRange(ids, remaining);
                break;
            }
            catch (DependencyCycleException exception)
            {
                var cycle = exception.Cycle;
                cycles.Add(cycle);
                remaining.Remove(new TaskDependency(cycle[0], cycle[1]));
            }
        }

        return cycles;
    }
}
