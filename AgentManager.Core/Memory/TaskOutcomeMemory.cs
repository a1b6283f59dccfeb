using System.Globalization;
using System.Text;
using AgentManager.Lifecycle;

namespace AgentManager.Memory;

/// <summary>Remembers how tasks ended: each outcome goes to the <see cref="ITaskHistory"/> and, as a
/// searchable text (what was asked, how it ended, the error and the output), to the
/// <see cref="SemanticMemory"/>, so later tasks can recall what worked and what failed.</summary>
public sealed class TaskOutcomeMemory
{
    /// <summary>The tag added to outcomes where a later attempt overcame an earlier failure.</summary>
    public const string RepairedTag = "repaired";

    private const int MaxFieldChars = 1000;

    private readonly SemanticMemory _memory;
    private readonly ITaskHistory _history;
    private readonly string _namespace;

    /// <summary>Creates the helper.</summary>
    /// <param name="memory">Where outcome texts are remembered.</param>
    /// <param name="history">Where outcomes are recorded.</param>
    /// <param name="options">The namespace to write to; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">The options' namespace is not a valid id.</exception>
    public TaskOutcomeMemory(SemanticMemory memory, ITaskHistory history, AgentMemoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(history);
        _memory = memory;
        _history = history;
        _namespace = (options ?? new AgentMemoryOptions()).OutcomeNamespace;
        Ids.ThrowIfInvalid(_namespace, nameof(options));
    }

    /// <summary>Records an outcome in the history, then remembers it. Both writes replace what an earlier
    /// call stored for the same workflow, task and attempt count, so repeating a call is harmless.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>The remembered record.</returns>
    /// <remarks>When embedding or the index fails, the history entry stays written and the error is thrown.</remarks>
    public async Task<MemoryRecord> RecordAsync(TaskOutcome outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        await _history.RecordAsync(outcome, cancellationToken).ConfigureAwait(false);
        var record = ToMemoryRecord(outcome);
        await _memory.RememberAsync(record, cancellationToken).ConfigureAwait(false);
        return record;
    }

    /// <summary>Makes the memory record of an outcome: id <c>task-outcome:{workflow}:{task}:{attempts}</c>;
    /// tags <c>agent:{id}</c>, <c>status:{state}</c>, <c>workflow:{id}</c>, <c>task:{id}</c> and, when a repair
    /// worked, <see cref="RepairedTag"/>; metadata with the same facts under snake_case keys; created at
    /// <see cref="TaskOutcome.FinishedAt"/>.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>The record, in the configured outcome namespace.</returns>
    public MemoryRecord ToMemoryRecord(TaskOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var status = outcome.Status.ToWireName();
        var tags = new List<string>
        {
            "agent:" + outcome.AgentId,
            "status:" + status,
            "workflow:" + outcome.WorkflowId,
            "task:" + outcome.TaskId,
        };
        if (outcome.Repaired)
        {
            tags.Add(RepairedTag);
        }

        return new MemoryRecord
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"task-outcome:{outcome.WorkflowId}:{outcome.TaskId}:{outcome.Attempts}"),
            Namespace = _namespace,
            Text = Describe(outcome),
            Tags = tags,
            Metadata = new Dictionary<string, string>
            {
                ["workflow_id"] = outcome.WorkflowId,
                ["task_id"] = outcome.TaskId,
                ["agent_id"] = outcome.AgentId,
                ["status"] = status,
                ["attempts"] = outcome.Attempts.ToString(CultureInfo.InvariantCulture),
                ["repaired"] = outcome.Repaired ? "true" : "false",
                ["finished_at"] = outcome.FinishedAt.ToString("O", CultureInfo.InvariantCulture),
            },
            CreatedAt = outcome.FinishedAt,
        };
    }

    /// <summary>The remembered text: a headline, then what was asked, the error and the output, each capped.</summary>
    internal static string Describe(TaskOutcome outcome)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Task '{outcome.TaskId}'");
        if (!string.IsNullOrWhiteSpace(outcome.Title))
        {
            text.Append(CultureInfo.InvariantCulture, $" ({OneLine(outcome.Title)})");
        }

        text.Append(CultureInfo.InvariantCulture, $" of workflow '{outcome.WorkflowId}', agent '{outcome.AgentId}': {Headline(outcome)}.");
        Field(text, "Asked", outcome.Prompt, keepEnd: false);
        Field(text, outcome.Status == TaskState.Completed ? "Error overcome" : "Error", outcome.Error, keepEnd: false);
        Field(text, "Output", outcome.Output, keepEnd: true);
        return text.ToString();
    }

    private static string Headline(TaskOutcome outcome) => outcome.Status switch
    {
        TaskState.Completed when outcome.Repaired => string.Create(CultureInfo.InvariantCulture, $"completed after {outcome.Attempts} attempts; a retry repaired the earlier failure"),
        TaskState.Completed => "completed on the first attempt",
        TaskState.Failed => string.Create(CultureInfo.InvariantCulture, $"failed after {outcome.Attempts} attempt(s)"),
        TaskState.Cancelled => "cancelled",
        _ => "ended " + outcome.Status.ToWireName(),
    };

    private static void Field(StringBuilder text, string label, string? value, bool keepEnd)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        var trimmed = value.Trim();
        if (trimmed.Length > MaxFieldChars)
        {
            if (keepEnd)
            {
                var start = trimmed.Length - (MaxFieldChars - 1);
                start += char.IsLowSurrogate(trimmed[start]) ? 1 : 0;
                trimmed = "…" + trimmed[start..];
            }
            else
            {
                var keep = MaxFieldChars - 1;
                keep -= char.IsHighSurrogate(trimmed[keep - 1]) ? 1 : 0;
                trimmed = trimmed[..keep] + "…";
            }
        }

        text.Append('\n').Append(label).Append(": ").Append(trimmed);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
