using AgentManager.Agents;

namespace AgentManager.Plans;

/// <summary>One item of a task plan: a unit of work that becomes one task of the plan's workflow. Immutable; copy
/// it with <c>with</c> to change a field.</summary>
/// <remarks>
/// <para>The fields follow the original task plan JSON (wire names in brackets): <see cref="Id"/> (<c>id</c>),
/// <see cref="Title"/> (<c>title</c>), <see cref="Description"/> (<c>description</c>), <see cref="Prompt"/>
/// (<c>prompt</c>), <see cref="Priority"/> (<c>priority</c>), <see cref="Dependencies"/> (<c>dependencies</c>),
/// <see cref="Assignee"/> (<c>assignee</c>), <see cref="RequiredSkills"/> (<c>required_skills</c>),
/// <see cref="Workdir"/> (<c>workdir</c>), <see cref="Verification"/> (<c>verification</c>),
/// <see cref="Resources"/> (<c>resources</c>), <see cref="MaxAttempts"/> (<c>max_attempts</c>),
/// <see cref="Timeout"/> (<c>timeout_seconds</c>), <see cref="Metadata"/> (<c>metadata</c>) and
/// <see cref="Status"/> (<c>status</c>). Validation errors and diffs name fields by these wire names.</para>
/// <para>Properties check only for null when set; <see cref="TaskPlanService"/> checks every other rule and
/// reports every problem at once. Two items are equal when every field, the status included, is equal
/// (lists in order, metadata as a set of pairs).</para>
/// </remarks>
public sealed record PlanItem
{
    private readonly string id = "";
    private readonly string title = "";
    private readonly IReadOnlyList<string> dependencies = [];
    private readonly IReadOnlyList<string> requiredSkills = [];
    private readonly IReadOnlyList<string> resources = [];
    private readonly IReadOnlyDictionary<string, string> metadata = Frozen.Map([], "metadata");

    /// <summary>Gets the item id, unique in its plan and the id of its task; a valid id (see <see cref="Ids"/>).</summary>
    public required string Id
    {
        get => id;
        init => id = value ?? throw new ArgumentNullException(nameof(Id));
    }

    /// <summary>Gets a short human title; required (not blank).</summary>
    public string Title
    {
        get => title;
        init => title = value ?? throw new ArgumentNullException(nameof(Title));
    }

    /// <summary>Gets a longer description; the task's prompt when <see cref="Prompt"/> is not set.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the instructions handed to the agent; when not set (or blank) the task's prompt is
    /// <see cref="Description"/>, then <see cref="Title"/>.</summary>
    public string? Prompt { get; init; }

    /// <summary>Gets the priority: 0 or more; among ready tasks a higher one runs first.</summary>
    public int Priority { get; init; }

    /// <summary>Gets the ids of items of the same plan that must complete first.</summary>
    public IReadOnlyList<string> Dependencies
    {
        get => dependencies;
        init => dependencies = Frozen.List(value, nameof(Dependencies));
    }

    /// <summary>Gets the agent id that runs the item; required at confirm, where it must name an agent of the
    /// catalog.</summary>
    public string? Assignee { get; init; }

    /// <summary>Gets the skills the item needs; at confirm the assignee's profile must resolve each (a skill
    /// template of that name among <see cref="ResolvedAgent.Skills"/>).</summary>
    public IReadOnlyList<string> RequiredSkills
    {
        get => requiredSkills;
        init => requiredSkills = Frozen.List(value, nameof(RequiredSkills));
    }

    /// <summary>Gets the task's working directory, relative to the workflow's work root and obeying the
    /// <see cref="WorkdirPath"/> rules; <see langword="null"/> for none.</summary>
    public string? Workdir { get; init; }

    /// <summary>Gets the verification command line (split without a shell, see
    /// <see cref="Execution.CommandVerifier.Parse"/>) whose exit code 0 accepts the work; required at confirm.</summary>
    public string? Verification { get; init; }

    /// <summary>Gets the resource keys the task holds while it runs (e.g. <c>model:gpt</c>).</summary>
    public IReadOnlyList<string> Resources
    {
        get => resources;
        init => resources = Frozen.List(value, nameof(Resources));
    }

    /// <summary>Gets how many attempts the task gets in all (at least 1); <see langword="null"/> uses the
    /// engine's retry policy.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>Gets how long one agent run may take (positive); <see langword="null"/> uses the engine's
    /// default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Gets free-form values handed to the agent, sorted by key. At confirm <c>agent_id</c>,
    /// <c>workdir</c> and <c>plan_id</c> are added where absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata
    {
        get => metadata;
        init => metadata = Frozen.Map(value, nameof(Metadata));
    }

    /// <summary>Gets the item's status. It is set by <see cref="TaskPlanService"/>: the value given to create
    /// or edit is ignored (new items start <see cref="PlanItemStatus.PendingReview"/>, edited ones keep theirs).</summary>
    public PlanItemStatus Status { get; init; }

    /// <inheritdoc/>
    public bool Equals(PlanItem? other) =>
        other is not null && (ReferenceEquals(this, other) || (Status == other.Status && ChangedFields(this, other).Count == 0));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, Title, Priority, Assignee, Status);

    /// <inheritdoc/>
    public override string ToString() => $"{Id}: {Title}";

    /// <summary>The wire names of the fields (status excluded) whose values differ, in declaration order.</summary>
    internal static List<string> ChangedFields(PlanItem before, PlanItem after)
    {
        var fields = new List<string>();
        Compare(fields, "id", before.Id, after.Id);
        Compare(fields, "title", before.Title, after.Title);
        Compare(fields, "description", before.Description, after.Description);
        Compare(fields, "prompt", before.Prompt, after.Prompt);
        if (before.Priority != after.Priority)
        {
            fields.Add("priority");
        }

        Compare(fields, "dependencies", before.Dependencies, after.Dependencies);
        Compare(fields, "assignee", before.Assignee, after.Assignee);
        Compare(fields, "required_skills", before.RequiredSkills, after.RequiredSkills);
        Compare(fields, "workdir", before.Workdir, after.Workdir);
        Compare(fields, "verification", before.Verification, after.Verification);
        Compare(fields, "resources", before.Resources, after.Resources);
        if (before.MaxAttempts != after.MaxAttempts)
        {
            fields.Add("max_attempts");
        }

        if (before.Timeout != after.Timeout)
        {
            fields.Add("timeout_seconds");
        }

        if (before.Metadata.Count != after.Metadata.Count
            || before.Metadata.Any(pair => !after.Metadata.TryGetValue(pair.Key, out var value) || !string.Equals(pair.Value, value, StringComparison.Ordinal)))
        {
            fields.Add("metadata");
        }

        return fields;
    }

    private static void Compare(List<string> fields, string name, string? before, string? after)
    {
        if (!string.Equals(before, after, StringComparison.Ordinal))
        {
            fields.Add(name);
        }
    }

    private static void Compare(List<string> fields, string name, IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        if (!before.SequenceEqual(after, StringComparer.Ordinal))
        {
            fields.Add(name);
        }
    }
}
