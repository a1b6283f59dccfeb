using System.Text.Json;
using AgentManager.Events;
using AgentManager.Graph;
using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Http;
using AgentManager.Lifecycle;
using AgentManager.Persistence;
using AgentManager.Workflows;
using Microsoft.Extensions.Options;

namespace AgentManager.Hosting.Adhoc;

/// <summary>The flat task DAG of the original API (<c>POST /tasks</c>, complete, fail), kept as one workflow of
/// the state store whose tasks are moved by API calls instead of agents. Every move is a lifecycle transition
/// with actor <c>api</c>, stored with its event before the event is published, like the engine's.</summary>
/// <remarks>Each change reads the workflow's tasks from the store, so the store stays the only truth; several
/// hosts may share the store. A change is made under the workflow's lease (see <c>AdhocTaskBoard.Lease.cs</c>),
/// taken before the read and given back by the commit that the lease's token fences, so that no change is made on
/// a stale read; the first task creates the workflow in a commit that only one host can win. Changes of one board
/// are serialized in process as well. Completing a task makes its waiting dependents ready; failing or cancelling
/// one cancels the tasks that depend on it, directly or not.</remarks>
internal sealed partial class AdhocTaskBoard(IStateStore store, IEventBus bus, TimeProvider time, IOptions<AgentManagerApiOptions> options) : IDisposable
{
    public const string Actor = "api";
    private const string KindKey = "kind";
    private const string Kind = "adhoc";
    private const string ExtrasPrefix = "task:";
    private static readonly JsonElement EmptyObject = JsonElement.Parse("{}");

    private readonly SemaphoreSlim _gate = new(1, 1);

    public string WorkflowId { get; } = options.Value.AdhocWorkflowId;

    public async Task<IReadOnlyList<AdhocTask>> ListAsync(CancellationToken cancellationToken)
    {
        // Tasks before the workflow: a task and its extras are committed together, so every task read has its
        // extras in the workflow read after it, whatever another host commits in between.
        var tasks = await store.GetTasksAsync(WorkflowId, cancellationToken).ConfigureAwait(false);
        var workflow = await LoadWorkflowAsync(cancellationToken).ConfigureAwait(false);
        return workflow is null ? [] : tasks.Select(task => WithExtras(task, workflow)).ToArray();
    }

    public async Task<AdhocTask> GetAsync(string taskId, CancellationToken cancellationToken)
    {
        var task = await store.GetTaskAsync(WorkflowId, taskId, cancellationToken).ConfigureAwait(false);
        var workflow = await LoadWorkflowAsync(cancellationToken).ConfigureAwait(false);
        return task is null || workflow is null ? throw new TaskNotFoundException(taskId) : WithExtras(task, workflow);
    }

    public Task<AdhocTask> AddAsync(string taskId, string taskType, IReadOnlyList<string> dependencies, JsonElement? metadata, string? correlationId, CancellationToken cancellationToken) =>
        ChangeAsync(correlationId, movedTaskId: null, (batch, workflow) =>
        {
            if (batch.Tasks.ContainsKey(taskId))
            {
                throw new DuplicateTaskException(taskId);
            }

            var unknown = dependencies.Where(d => !batch.Tasks.ContainsKey(d)).ToList();
            if (unknown.Count > 0)
            {
                throw new ApiException(StatusCodes.Status400BadRequest, unknown.Contains(taskId, StringComparer.Ordinal)
                    ? $"Task '{taskId}' cannot depend on itself."
                    : $"Task '{taskId}' depends on {Quote(unknown)}, which {(unknown.Count == 1 ? "is not a task" : "are not tasks")}; create dependencies first.");
            }

            var now = batch.Now;
            var extras = new Dictionary<string, string>(workflow?.Metadata ?? new Dictionary<string, string> { [KindKey] = Kind }, StringComparer.Ordinal)
            {
                [ExtrasPrefix + taskId] = JsonSerializer.Serialize(new AdhocTaskExtras(taskType, metadata ?? EmptyObject), ApiJson.Context.AdhocTaskExtras),
            };
            batch.Changes.Workflows.Add(workflow is null
                ? new WorkflowRecord { WorkflowId = WorkflowId, Name = "Ad-hoc tasks", Status = WorkflowStatus.Running, CreatedAt = now, StartedAt = now, Metadata = extras }
                : workflow with { Metadata = extras });
            if (workflow is null)
            {
                batch.Changes.Events.Add(new WorkflowEvent(EventTypes.WorkflowCreated, WorkflowId, now) { CorrelationId = correlationId });
                batch.Changes.Events.Add(new WorkflowEvent(EventTypes.WorkflowStarted, WorkflowId, now) { CorrelationId = correlationId });
            }

            var task = new TaskRecord
            {
                WorkflowId = WorkflowId,
                TaskId = taskId,
                Ordinal = batch.Tasks.Count == 0 ? 0 : batch.Tasks.Values.Max(t => t.Ordinal) + 1,
                Title = taskType,
                State = TaskState.Pending,
                Dependencies = dependencies,
            };
            if (dependencies.All(d => batch.Tasks[d].State == TaskState.Completed))
            {
                task = batch.Fire(task, TaskTrigger.DependenciesMet);
            }
            else
            {
                batch.Changes.Tasks.Add(task);
            }

            return new AdhocTask(task, taskType, metadata ?? EmptyObject);
        }, cancellationToken);

    /// <summary>Starts a ready task: it becomes implementing, counted as running.</summary>
    public Task<TaskRecord> StartAsync(string taskId, string? correlationId, CancellationToken cancellationToken) =>
        MoveAsync(taskId, correlationId, (batch, task) => task.State == TaskState.Pending
            ? throw NotReady(task, batch.Tasks)
            : Start(batch, task), cancellationToken);

    /// <summary>Completes a task through the lifecycle: a ready task starts, succeeds and passes verification;
    /// a blocked one is completed by a human decision. A failed task is completed only with an explicit reason.</summary>
    public Task<TaskRecord> CompleteAsync(string taskId, string? reason, string? correlationId, CancellationToken cancellationToken) =>
        MoveAsync(taskId, correlationId, (batch, task) =>
        {
            ThrowIfFinished(task, TaskState.Completed, "complete");
            switch (task.State)
            {
                case TaskState.Pending:
                    throw NotReady(task, batch.Tasks);
                case TaskState.Failed when string.IsNullOrWhiteSpace(reason):
                    throw new ApiException(StatusCodes.Status409Conflict, $"Task '{task.TaskId}' failed; completing a failed task overrules the failure and needs a reason: POST /tasks/{task.TaskId}/complete?reason=...");
                case TaskState.Failed or TaskState.BlockedHitl:
                    task = batch.Fire(task, TaskTrigger.HumanComplete, string.IsNullOrWhiteSpace(reason) ? "Completed through the API." : reason);
                    break;
                case TaskState.Ready:
                    task = batch.Fire(Start(batch, task), TaskTrigger.ImplementationSucceeded);
                    task = batch.Fire(task, TaskTrigger.VerificationPassed, reason);
                    break;
                case TaskState.Implementing:
                    task = batch.Fire(task, TaskTrigger.ImplementationSucceeded);
                    task = batch.Fire(task, TaskTrigger.VerificationPassed, reason);
                    break;
                default:
                    task = batch.Fire(task, TaskTrigger.VerificationPassed, reason);
                    break;
            }

            batch.ReadyDependentsOf(task.TaskId);
            return task;
        }, cancellationToken);

    /// <summary>Fails a task: its attempt fails and is not retried (a blocked one fails by a human decision);
    /// every task that depends on it is cancelled. A pending task cannot fail: it never ran.</summary>
    public Task<TaskRecord> FailAsync(string taskId, string? reason, string? correlationId, CancellationToken cancellationToken) =>
        MoveAsync(taskId, correlationId, (batch, task) =>
        {
            ThrowIfFinished(task, TaskState.Failed, "fail");
            var why = string.IsNullOrWhiteSpace(reason) ? "Failed through the API." : reason;
            switch (task.State)
            {
                case TaskState.Pending:
                    throw new ApiException(StatusCodes.Status409Conflict, $"Task '{task.TaskId}' is pending and never ran, so it cannot fail; cancel it instead (POST /tasks/{task.TaskId}/cancel).");
                case TaskState.BlockedHitl:
                    task = batch.Fire(task, TaskTrigger.HumanFail, why);
                    break;
                case TaskState.Ready:
                    task = batch.Fire(Start(batch, task), TaskTrigger.AttemptFailed, why);
                    task = batch.Fire(task, TaskTrigger.GiveUp, why);
                    break;
                case TaskState.BlockedRepair:
                    task = batch.Fire(task, TaskTrigger.GiveUp, why);
                    break;
                default:
                    task = batch.Fire(task, TaskTrigger.AttemptFailed, why);
                    task = batch.Fire(task, TaskTrigger.GiveUp, why);
                    break;
            }

            batch.CancelDescendantsOf(task.TaskId, $"Dependency '{task.TaskId}' failed.");
            return task;
        }, cancellationToken);

    /// <summary>Cancels a task that has not finished, and every task that depends on it.</summary>
    public Task<TaskRecord> CancelAsync(string taskId, string? reason, string? correlationId, CancellationToken cancellationToken) =>
        MoveAsync(taskId, correlationId, (batch, task) =>
        {
            ThrowIfFinished(task, TaskState.Cancelled, "be cancelled");
            task = batch.Fire(task, TaskTrigger.Cancel, string.IsNullOrWhiteSpace(reason) ? "Cancelled through the API." : reason);
            batch.CancelDescendantsOf(task.TaskId, $"Dependency '{task.TaskId}' was cancelled.");
            return task;
        }, cancellationToken);

    public void Dispose() => _gate.Dispose();

    private static TaskRecord Start(Batch batch, TaskRecord task) =>
        batch.Fire(task with { Attempt = task.Attempt + 1, StartedAt = task.StartedAt ?? batch.Now }, TaskTrigger.Start);

    /// <summary>Refuses to move a finished task, except that a failed one may still be completed (with a reason).</summary>
    private static void ThrowIfFinished(TaskRecord task, TaskState target, string operation)
    {
        if (!task.State.IsTerminal() || (task.State == TaskState.Failed && target == TaskState.Completed))
        {
            return;
        }

        throw new ApiException(StatusCodes.Status409Conflict, task.State == target
            ? $"Task '{task.TaskId}' is already {task.State.ToWireName()}."
            : $"Task '{task.TaskId}' is {task.State.ToWireName()}, which is final; it cannot {operation}.");
    }

    private static TaskNotReadyException NotReady(TaskRecord task, Dictionary<string, TaskRecord> tasks) =>
        new(task.TaskId, task.Dependencies.Where(d => tasks[d].State != TaskState.Completed).ToList());

    private static string Quote(IEnumerable<string> ids) => string.Join(", ", ids.Select(id => $"'{id}'"));

    private Task<TaskRecord> MoveAsync(string taskId, string? correlationId, Func<Batch, TaskRecord, TaskRecord> move, CancellationToken cancellationToken) =>
        ChangeAsync(correlationId, taskId, (batch, _) => move(batch, batch.Tasks.TryGetValue(taskId, out var task) ? task : throw new TaskNotFoundException(taskId)), cancellationToken);

    private async Task<WorkflowRecord?> LoadWorkflowAsync(CancellationToken cancellationToken)
    {
        var workflow = await store.GetWorkflowAsync(WorkflowId, cancellationToken).ConfigureAwait(false);
        if (workflow is not null && (!workflow.Metadata.TryGetValue(KindKey, out var kind) || kind != Kind))
        {
            throw new ApiException(StatusCodes.Status409Conflict, $"Workflow '{WorkflowId}' exists and does not hold the tasks of /tasks; set AgentManager:Api:AdhocWorkflowId to an id no workflow uses.");
        }

        return workflow;
    }

    private static AdhocTask WithExtras(TaskRecord task, WorkflowRecord workflow)
    {
        var extras = workflow.Metadata.TryGetValue(ExtrasPrefix + task.TaskId, out var json)
            ? JsonSerializer.Deserialize(json, ApiJson.Context.AdhocTaskExtras)
            : null;
        return new AdhocTask(task, extras?.TaskType ?? task.Title ?? "", extras?.Metadata ?? EmptyObject);
    }

    /// <summary>The changes of one operation: every task's latest record, the transitions and their events.</summary>
    private sealed class Batch(AdhocTaskBoard board, string? correlationId, DateTimeOffset now)
    {
        public DateTimeOffset Now { get; } = now;

        public Dictionary<string, TaskRecord> Tasks { get; } = new(StringComparer.Ordinal);

        public StateChanges Changes { get; } = new();

        public TaskRecord Fire(TaskRecord task, TaskTrigger trigger, string? reason = null)
        {
            var transition = TaskLifecycle.Transition(board.WorkflowId, task.TaskId, task.State, trigger, task.Attempt, Now, Actor, reason);
            var moved = task with
            {
                State = transition.To,
                FinishedAt = transition.To.IsTerminal() ? Now : task.FinishedAt,
                LastError = transition.To is TaskState.Failed or TaskState.Cancelled or TaskState.BlockedRepair ? reason : task.LastError,
            };
            Tasks[task.TaskId] = moved;
            Changes.Tasks.RemoveAll(t => t.TaskId == task.TaskId);
            Changes.Tasks.Add(moved);
            Changes.Transitions.Add(transition);
            Changes.Events.Add(correlationId is null ? transition : transition with { CorrelationId = correlationId });
            return moved;
        }

        public void ReadyDependentsOf(string taskId)
        {
            foreach (var dependent in Tasks.Values.Where(t => t.State == TaskState.Pending && t.Dependencies.Contains(taskId, StringComparer.Ordinal)).ToList())
            {
                if (dependent.Dependencies.All(d => Tasks[d].State == TaskState.Completed))
                {
                    Fire(dependent, TaskTrigger.DependenciesMet);
                }
            }
        }

        public void CancelDescendantsOf(string taskId, string reason)
        {
            var queue = new Queue<string>([taskId]);
            while (queue.TryDequeue(out var id))
            {
                foreach (var dependent in Tasks.Values.Where(t => t.Dependencies.Contains(id, StringComparer.Ordinal)).ToList())
                {
                    if (!dependent.State.IsTerminal())
                    {
                        Fire(dependent, TaskTrigger.Cancel, reason);
                        queue.Enqueue(dependent.TaskId);
                    }
                }
            }
        }
    }
}
