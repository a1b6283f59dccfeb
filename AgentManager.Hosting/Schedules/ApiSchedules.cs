using System.Text.Json;
using AgentManager.Agents;
using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Http;
using AgentManager.Hosting.Mapping;
using AgentManager.Persistence;
using AgentManager.Plans;
using AgentManager.Schedules;
using AgentManager.Workflows;
using Microsoft.Extensions.Options;

namespace AgentManager.Hosting.Schedules;

/// <summary>The schedules defined over HTTP. Each is kept as its request, resolved, in
/// <see cref="AgentManagerApiOptions.SchedulePlanDirectory"/>, which marks it as defined here and lets the host load it
/// at start (<see cref="ApiScheduleOptionsSetup"/>). A schedule of a stored plan (<c>plan_id</c>) runs that plan's
/// confirmed version from the plan store, so every host sharing the stores can fire it. A schedule with a plan in its
/// body runs that snapshot through a workflow factory that lives in the process, so only hosts that loaded its kept
/// request can fire it. Runs are built with the agents of the catalog and DI, as <c>POST /workflows</c> builds a
/// workflow from a plan.</summary>
internal sealed class ApiSchedules(IOptions<AgentManagerApiOptions> options, AgentCatalog catalog, TaskPlanService plans)
{
    private string Directory => Path.GetFullPath(options.Value.SchedulePlanDirectory);

    /// <summary>Gets the definition of a kept request: of its stored plan, or with a factory that builds each run from the
    /// plan in its body.</summary>
    /// <param name="request">The request.</param>
    /// <param name="engine">When given, the workflow of a plan in the body must be one the engine accepts (every assignee
    /// a catalog profile with a runner or an agent registered with DI), so that no run fails for it at fire time.</param>
    /// <exception cref="ApiException">The request is malformed (422).</exception>
    /// <exception cref="PlanValidationException">The plan breaks a rule (400).</exception>
    /// <exception cref="WorkflowValidationException">The plan's workflow breaks an engine rule (400).</exception>
    public ScheduleDefinition Definition(NewScheduleRequest request, IWorkflowEngine? engine = null)
    {
        var (definition, plan) = ScheduleRequests.Definition(request);
        if (plan is null)
        {
            return definition;
        }

        // Built once now so that a plan that cannot become a workflow is refused before it is stored.
        var workflow = Build(plan);
        engine?.Validate(workflow);
        definition.WorkflowFactory = (_, _) => ValueTask.FromResult(Build(plan));
        return definition;
    }

    /// <summary>Keeps a resolved request and stores its schedule, whose plan must make a workflow
    /// <paramref name="engine"/> accepts (see <see cref="Definition"/>). When the request or the service refuses it,
    /// the kept request is put back as it was: <paramref name="previous"/> (read with <see cref="ReadKeptAsync"/>), or
    /// none.</summary>
    /// <exception cref="ApiException">The request is malformed (422).</exception>
    /// <exception cref="PlanValidationException">The plan breaks a rule (400).</exception>
    /// <exception cref="WorkflowValidationException">The plan's workflow breaks an engine rule, such as an unknown
    /// assignee (400).</exception>
    /// <exception cref="ScheduleConfigurationException">The timing breaks a rule (400).</exception>
    public async Task<ScheduleRecord> DefineAsync(IScheduleService service, IWorkflowEngine engine, NewScheduleRequest request, byte[]? previous, CancellationToken cancellationToken)
    {
        var definition = Definition(request, engine);
        if (definition is { PlanId: { } planId, PlanVersion: { } version })
        {
            engine.Validate(Build(await plans.GetAsync(planId, version, cancellationToken).ConfigureAwait(false)));
        }

        // Kept first: a host that stops between the two steps loads the schedule at its next start.
        await KeepAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            return await service.AddOrUpdateAsync(definition, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (previous is null)
            {
                Forget(definition.Id);
            }
            else
            {
                await RestoreAsync(definition.Id, previous, CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>Keeps a schedule's request, replacing the one kept before.</summary>
    public Task KeepAsync(NewScheduleRequest request, CancellationToken cancellationToken) =>
        RestoreAsync(request.ScheduleId!, JsonSerializer.SerializeToUtf8Bytes(request, ApiJson.Context.NewScheduleRequest), cancellationToken);

    /// <summary>Reads the kept request of a schedule as stored; <see langword="null"/> when the schedule was not
    /// defined over HTTP.</summary>
    public async Task<byte[]?> ReadKeptAsync(string scheduleId, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(PathOf(scheduleId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Keeps a schedule's request as given (a request read by <see cref="ReadKeptAsync"/>), replacing the one
    /// kept before in one move, so that a reader never sees half a file.</summary>
    public async Task RestoreAsync(string scheduleId, byte[] request, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathOf(scheduleId);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temporary, request, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Forgets a schedule's request, if one is kept.</summary>
    public void Forget(string scheduleId) => File.Delete(PathOf(scheduleId));

    /// <summary>Reads every kept request, in file name order.</summary>
    /// <exception cref="ScheduleConfigurationException">A file cannot be read as a schedule; it is named.</exception>
    public IReadOnlyList<ScheduleDefinition> LoadAll()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var definitions = new List<ScheduleDefinition>();
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                var request = JsonSerializer.Deserialize(File.ReadAllBytes(file), ApiJson.Context.NewScheduleRequest)
                    ?? throw new JsonException("The file holds JSON null.");
                definitions.Add(Definition(request));
            }
            catch (Exception exception) when (exception is JsonException or ApiException or AgentManagerException or ArgumentException)
            {
                throw new ScheduleConfigurationException([$"{file}: the schedule kept by the HTTP API cannot be loaded: {exception.Message}"]);
            }
        }

        return definitions;
    }

    private string PathOf(string scheduleId) => Path.Combine(Directory, scheduleId + ".json");

    /// <summary>Builds a run of a plan given in a request's body. Its workflow names the plan but no version: the plan
    /// store does not hold it, so the plan-workflow takeover, which rebuilds a workflow from the version it names, must
    /// leave the run to the schedule runners.</summary>
    private Workflows.WorkflowDefinition Build(NewTaskPlan plan)
    {
        var definition = Build(
            new TaskPlan
            {
                PlanId = plan.PlanId!,
                Version = 1,
                Status = PlanStatus.Confirmed,
                CreatedBy = plan.CreatedBy,
                Items = plan.Items,
                Metadata = plan.Metadata,
            });
        definition.Metadata.Remove(PlanWorkflowBuilder.PlanVersionKey);
        return definition;
    }

    private Workflows.WorkflowDefinition Build(TaskPlan plan) => PlanWorkflowBuilder.Build(plan, agentId => WorkflowRequests.RunnerOf(catalog, agentId));
}
