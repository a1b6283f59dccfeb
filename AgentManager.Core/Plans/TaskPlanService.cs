using System.Globalization;
using AgentManager.Agents;
using AgentManager.Events;
using AgentManager.Hooks;

namespace AgentManager.Plans;

/// <summary>Creates, reviews, edits, confirms, diffs and deletes task plans.</summary>
/// <remarks>
/// <para>Every accepted change stores a new version of the plan (version 1 at creation) and then publishes
/// its <c>task_plan_*</c> event, whose <see cref="AgentManagerEvent.WorkflowId"/> is the plan id. Changes are
/// serialized by the store's version check, not by a lock: a change made against an older version than the
/// current one is refused with a <see cref="PlanConflictException"/>, and hooks run while nothing is held.</para>
/// <para>A change's event is published even when the caller's token is cancelled after the change was stored.</para>
/// </remarks>
public sealed class TaskPlanService
{
    private readonly ITaskPlanStore _store;
    private readonly AgentCatalog _catalog;
    private readonly IHookRunner _hooks;
    private readonly IEventBus _events;
    private readonly TimeProvider _time;
    private readonly Func<TaskPlan, CancellationToken, ValueTask<bool>>? _isWorkflowRunning;

    /// <summary>Creates the service.</summary>
    /// <param name="store">Where plans are kept.</param>
    /// <param name="catalog">The agents that may be assignees, and the skills their profiles resolve.</param>
    /// <param name="hooks">Runs the <c>before_task_plan_confirm</c> and <c>after_task_plan_confirm</c> hooks.</param>
    /// <param name="events">Receives the <c>task_plan_*</c> events.</param>
    /// <param name="time">The clock of <see cref="TaskPlan.CreatedAt"/>, <see cref="TaskPlan.UpdatedAt"/> and events.</param>
    /// <param name="isWorkflowRunning">Tells whether a plan's workflow is running, which forbids deleting the
    /// plan; <see langword="null"/> (the default) never forbids it.</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    public TaskPlanService(
        ITaskPlanStore store,
        AgentCatalog catalog,
        IHookRunner hooks,
        IEventBus events,
        TimeProvider time,
        Func<TaskPlan, CancellationToken, ValueTask<bool>>? isWorkflowRunning = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(hooks);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _catalog = catalog;
        _hooks = hooks;
        _events = events;
        _time = time;
        _isWorkflowRunning = isWorkflowRunning;
    }

    /// <summary>Gets the id of a schedule that runs a plan (<see cref="Schedules.ScheduleDefinition.PlanId"/>), which
    /// forbids deleting the plan; <see langword="null"/> never forbids it. Set by <c>AddAgentManager</c>.</summary>
    internal Func<string, CancellationToken, ValueTask<string?>>? FindSchedule { get; init; }

    /// <summary>Creates a draft plan, version 1, whose items all start <see cref="PlanItemStatus.PendingReview"/>,
    /// and publishes <c>task_plan_created</c>.</summary>
    /// <param name="plan">What to create.</param>
    /// <param name="cancellationToken">Cancels the creation before it is stored.</param>
    /// <returns>The stored plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="PlanValidationException">The plan breaks a draft rule (see <see cref="EditAsync"/>);
    /// every broken rule is listed and nothing is stored.</exception>
    /// <exception cref="PlanConflictException">A plan with the same id exists.</exception>
    public async Task<TaskPlan> CreateAsync(NewTaskPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var errors = new List<PlanValidationError>();
        PlanValidator.CheckNewPlan(plan, errors);
        PlanValidator.CheckItems(plan.Items, errors);
        var planId = plan.PlanId ?? "plan-" + Guid.NewGuid().ToString("N");
        if (errors.Count > 0)
        {
            throw new PlanValidationException(Ids.IsValid(planId) ? planId : null, errors);
        }

        var now = _time.GetUtcNow();
        var created = new TaskPlan
        {
            PlanId = planId,
            Version = 1,
            SourceTaskId = plan.SourceTaskId,
            CreatedBy = plan.CreatedBy,
            Status = PlanStatus.Draft,
            Items = [.. plan.Items.Select(item => item with { Status = PlanItemStatus.PendingReview })],
            TemporaryRoles = plan.TemporaryRoles,
            SelectedTemplates = plan.SelectedTemplates,
            PreferredAssignees = plan.PreferredAssignees,
            CreatedAt = now,
            UpdatedAt = now,
            Metadata = plan.Metadata,
        };
        await _store.AddAsync(created, cancellationToken).ConfigureAwait(false);
        await PublishAsync(new TaskPlanEvent(EventTypes.TaskPlanCreated, planId, 1, now)).ConfigureAwait(false);
        return created;
    }

    /// <summary>Reads a plan.</summary>
    /// <param name="planId">The plan id.</param>
    /// <param name="version">A version, or <see langword="null"/> (the default) for the current one.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="planId"/> is null.</exception>
    /// <exception cref="PlanNotFoundException">The plan or the version does not exist.</exception>
    public async Task<TaskPlan> GetAsync(string planId, int? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(planId);
        return await _store.GetAsync(planId, version, cancellationToken).ConfigureAwait(false)
            ?? throw await NotFoundAsync(planId, version, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the current version of every plan, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The plans.</returns>
    public Task<IReadOnlyList<TaskPlan>> ListAsync(CancellationToken cancellationToken = default) =>
        _store.ListAsync(cancellationToken);

    /// <summary>Replaces the items of a draft plan, all at once, and publishes <c>task_plan_updated</c>.</summary>
    /// <param name="planId">The plan id.</param>
    /// <param name="expectedVersion">The version the edit was made to; it must be the current one.</param>
    /// <param name="items">The new items. Items whose id the plan already has keep their status; new ones start
    /// <see cref="PlanItemStatus.PendingReview"/>; the given statuses are ignored.</param>
    /// <param name="cancellationToken">Cancels the edit before it is stored.</param>
    /// <returns>The new version, one above <paramref name="expectedVersion"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="planId"/> or <paramref name="items"/> is null.</exception>
    /// <exception cref="PlanNotFoundException">The plan does not exist.</exception>
    /// <exception cref="PlanConflictException">The plan is confirmed, or its current version is not
    /// <paramref name="expectedVersion"/>.</exception>
    /// <exception cref="PlanValidationException">The items break a rule: an empty, malformed or repeated id, a
    /// blank title, a negative priority, a blank, unknown or self dependency, a dependency cycle (with its
    /// path), a workdir the <see cref="WorkdirPath"/> rules refuse, a malformed verification command, a blank
    /// skill or resource, <c>max_attempts</c> below 1, a timeout that is not positive, or a null metadata
    /// value. Every broken rule is listed, each naming the item and the field; nothing changes.</exception>
    public async Task<TaskPlan> EditAsync(string planId, int expectedVersion, IEnumerable<PlanItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(planId);
        ArgumentNullException.ThrowIfNull(items);
        var newItems = items.ToList();
        var current = await GetAsync(planId, null, cancellationToken).ConfigureAwait(false);
        ThrowIfNotDraft(current, "edited");
        ThrowIfNotVersion(current, expectedVersion);
        var errors = new List<PlanValidationError>();
        PlanValidator.CheckItems(newItems, errors);
        if (errors.Count > 0)
        {
            throw new PlanValidationException(planId, errors);
        }

        var statuses = current.Items.ToDictionary(item => item.Id, item => item.Status, StringComparer.Ordinal);
        var edited = current.Revise(
            _time.GetUtcNow(),
            newItems: [.. newItems.Select(item => item with { Status = statuses.GetValueOrDefault(item.Id, PlanItemStatus.PendingReview) })]);
        await _store.UpdateAsync(edited, cancellationToken).ConfigureAwait(false);
        await PublishAsync(new TaskPlanEvent(EventTypes.TaskPlanUpdated, planId, edited.Version, edited.UpdatedAt)).ConfigureAwait(false);
        return edited;
    }

    /// <summary>Confirms a draft plan: checks it, runs the blocking <c>before_task_plan_confirm</c> hooks, then
    /// freezes it (status and items confirmed, item metadata completed), publishes <c>task_plan_confirmed</c>
    /// with the distinct assignees, and runs the <c>after_task_plan_confirm</c> hooks.</summary>
    /// <param name="planId">The plan id.</param>
    /// <param name="expectedVersion">The version to confirm; <see langword="null"/> (the default) confirms the
    /// current one.</param>
    /// <param name="cancellationToken">Cancels the confirmation while the checks or the before hooks run (the
    /// plan stays a draft). Once the plan is confirmed it only stops the after hooks.</param>
    /// <returns>The confirmed version, one above the draft's, recorded as
    /// <see cref="TaskPlan.ConfirmedVersion"/>. Each item's metadata has <c>agent_id</c> (the assignee),
    /// <c>workdir</c> (when the item has one) and <c>plan_id</c> unless it already had them.
    /// <see cref="PlanWorkflowBuilder.Build"/> turns it into a workflow.</returns>
    /// <remarks>Each hook receives the context keys <c>plan_id</c>, <c>plan_version</c>, <c>source_task_id</c>,
    /// <c>created_by</c>, <c>item_count</c>, <c>item_ids</c> and <c>assignees</c> (comma-separated), the after
    /// hooks also <c>confirmed_version</c>. A failing after hook is reported by its <c>hook_failed</c> event and
    /// does not undo the confirmation. Every failure to confirm publishes <c>task_plan_confirm_failed</c> with
    /// the reason, except a cancellation.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="planId"/> is null.</exception>
    /// <exception cref="PlanNotFoundException">The plan does not exist, or was deleted while the before hooks
    /// ran.</exception>
    /// <exception cref="PlanConflictException">The plan is already confirmed, its current version is not
    /// <paramref name="expectedVersion"/>, or it changed while the before hooks ran.</exception>
    /// <exception cref="PlanValidationException">The plan breaks a rule: the draft rules (see
    /// <see cref="EditAsync"/>), and no items, a missing or blank verification, a missing assignee or one that
    /// is not an agent of the catalog, or a required skill the assignee's profile does not resolve.</exception>
    /// <exception cref="PlanConfirmBlockedException">A before hook failed without <c>allow_failure</c>.</exception>
    public async Task<TaskPlan> ConfirmAsync(string planId, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(planId);
        var draft = await GetAsync(planId, null, cancellationToken).ConfigureAwait(false);
        ThrowIfNotDraft(draft, "confirmed");
        if (expectedVersion is { } expected)
        {
            ThrowIfNotVersion(draft, expected);
        }

        var errors = new List<PlanValidationError>();
        PlanValidator.CheckItems(draft.Items, errors);
        PlanValidator.CheckForConfirm(draft.Items, _catalog, errors);
        if (errors.Count > 0)
        {
            var invalid = new PlanValidationException(planId, errors);
            await PublishConfirmFailedAsync(draft, invalid.Message).ConfigureAwait(false);
            throw invalid;
        }

        var context = HookContext(draft);
        var before = await _hooks.RunAsync(HookPoint.BeforeTaskPlanConfirm, planId, context, cancellationToken).ConfigureAwait(false);
        if (before.Blocked)
        {
            var blocked = new PlanConfirmBlockedException(planId, draft.Version, before);
            await PublishConfirmFailedAsync(draft, blocked.Message).ConfigureAwait(false);
            throw blocked;
        }

        var confirmed = draft.Revise(
            _time.GetUtcNow(),
            newItems: [.. draft.Items.Select(item => Confirm(item, planId))],
            status: PlanStatus.Confirmed,
            confirmedVersion: draft.Version + 1);
        try
        {
            await _store.UpdateAsync(confirmed, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is PlanConflictException or PlanNotFoundException)
        {
            // Another change, or a deletion, came first while the hooks ran.
            await PublishConfirmFailedAsync(draft, exception.Message).ConfigureAwait(false);
            throw;
        }

        await PublishAsync(new TaskPlanEvent(EventTypes.TaskPlanConfirmed, planId, confirmed.Version, confirmed.UpdatedAt)
        {
            Assignees = confirmed.Assignees,
        }).ConfigureAwait(false);

        context["confirmed_version"] = confirmed.Version.ToString(CultureInfo.InvariantCulture);
        context["plan_version"] = context["confirmed_version"];
        try
        {
            await _hooks.RunAsync(HookPoint.AfterTaskPlanConfirm, planId, context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The plan is confirmed; the caller only stopped waiting for the after hooks.
        }

        return confirmed;
    }

    /// <summary>Compares two versions of a plan.</summary>
    /// <param name="planId">The plan id.</param>
    /// <param name="fromVersion">The version to compare from.</param>
    /// <param name="toVersion">The version to compare to; it may be older than <paramref name="fromVersion"/>.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>What changed from one to the other.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="planId"/> is null.</exception>
    /// <exception cref="PlanNotFoundException">The plan or one of the versions does not exist.</exception>
    public async Task<PlanDiff> DiffAsync(string planId, int fromVersion, int toVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(planId);
        var from = await GetAsync(planId, fromVersion, cancellationToken).ConfigureAwait(false);
        var to = await GetAsync(planId, toVersion, cancellationToken).ConfigureAwait(false);
        return PlanDiff.Between(from, to);
    }

    /// <summary>Deletes a plan with all its versions, unless its workflow is running or (in the service
    /// <c>AddAgentManager</c> registers) a schedule runs it, and publishes <c>task_plan_deleted</c>.</summary>
    /// <param name="planId">The plan id.</param>
    /// <param name="cancellationToken">Cancels the deletion before it is applied.</param>
    /// <returns>A task that completes when the plan is deleted.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="planId"/> is null.</exception>
    /// <exception cref="PlanNotFoundException">The plan does not exist.</exception>
    /// <exception cref="PlanConflictException">The plan's workflow is running, or a schedule runs the plan.</exception>
    public async Task DeleteAsync(string planId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(planId);
        var plan = await GetAsync(planId, null, cancellationToken).ConfigureAwait(false);
        if (_isWorkflowRunning is not null && await _isWorkflowRunning(plan, cancellationToken).ConfigureAwait(false))
        {
            throw new PlanConflictException(
                planId,
                plan.Version,
                $"Task plan '{planId}' cannot be deleted while its workflow runs; cancel the workflow or wait for it to finish.");
        }

        if (FindSchedule is not null && await FindSchedule(planId, cancellationToken).ConfigureAwait(false) is { } scheduleId)
        {
            throw new PlanConflictException(
                planId,
                plan.Version,
                $"Task plan '{planId}' cannot be deleted while schedule '{scheduleId}' runs it; delete the schedule or give it another plan first.");
        }

        if (!await _store.DeleteAsync(planId, cancellationToken).ConfigureAwait(false))
        {
            throw new PlanNotFoundException(planId);
        }

        await PublishAsync(new TaskPlanEvent(EventTypes.TaskPlanDeleted, planId, plan.Version, _time.GetUtcNow())).ConfigureAwait(false);
    }

    private static PlanItem Confirm(PlanItem item, string planId)
    {
        var metadata = new Dictionary<string, string>(item.Metadata, StringComparer.Ordinal);
        metadata.TryAdd("agent_id", item.Assignee!);
        if (item.Workdir is not null)
        {
            metadata.TryAdd("workdir", item.Workdir);
        }

        metadata.TryAdd("plan_id", planId);
        return item with { Status = PlanItemStatus.Confirmed, Metadata = metadata };
    }

    private static Dictionary<string, string> HookContext(TaskPlan plan) => new(StringComparer.Ordinal)
    {
        ["plan_id"] = plan.PlanId,
        ["plan_version"] = plan.Version.ToString(CultureInfo.InvariantCulture),
        ["source_task_id"] = plan.SourceTaskId ?? "",
        ["created_by"] = plan.CreatedBy ?? "",
        ["item_count"] = plan.Items.Count.ToString(CultureInfo.InvariantCulture),
        ["item_ids"] = string.Join(",", plan.Items.Select(item => item.Id)),
        ["assignees"] = string.Join(",", plan.Assignees),
    };

    private static void ThrowIfNotDraft(TaskPlan plan, string operation)
    {
        if (plan.Status != PlanStatus.Draft)
        {
            throw new PlanConflictException(
                plan.PlanId,
                plan.Version,
                $"Task plan '{plan.PlanId}' is {plan.Status.ToWireName()} (version {plan.ConfirmedVersion ?? plan.Version}) and cannot be {operation}; only a draft can.");
        }
    }

    private static void ThrowIfNotVersion(TaskPlan plan, int expectedVersion)
    {
        if (plan.Version != expectedVersion)
        {
            throw new PlanConflictException(
                plan.PlanId,
                plan.Version,
                $"Task plan '{plan.PlanId}' is at version {plan.Version}, not {expectedVersion}; read the plan again and retry.");
        }
    }

    private async Task<PlanNotFoundException> NotFoundAsync(string planId, int? version, CancellationToken cancellationToken) =>
        version is not null && await _store.GetAsync(planId, null, cancellationToken).ConfigureAwait(false) is not null
            ? new PlanNotFoundException(planId, version)
            : new PlanNotFoundException(planId);

    private ValueTask PublishConfirmFailedAsync(TaskPlan draft, string reason) =>
        PublishAsync(new TaskPlanEvent(EventTypes.TaskPlanConfirmFailed, draft.PlanId, draft.Version, _time.GetUtcNow()) { Reason = reason });

    /// <summary>Publishes an event of a change that happened: the caller's token no longer applies.</summary>
    private ValueTask PublishAsync(TaskPlanEvent @event) => _events.PublishAsync(@event, CancellationToken.None);
}
