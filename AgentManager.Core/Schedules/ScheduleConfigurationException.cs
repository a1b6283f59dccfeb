using System.Collections.ObjectModel;

namespace AgentManager.Schedules;

/// <summary>Raised when a schedule is invalid: a <see cref="ScheduleDefinition"/> that breaks a rule, a bad
/// schedule file, or two schedules with one id. Nothing is stored or started.</summary>
/// <remarks>Every problem found is in <see cref="Errors"/>, each a sentence that names the schedule (or, for a
/// file, the file and the field) and the rule, for example
/// <c>Schedule 'nightly': Cron '61 * * * *' is not a valid cron expression: ...</c> or
/// <c>/etc/agents/schedules/nightly.json: interval_seconds: -5 is not positive</c>.</remarks>
public sealed class ScheduleConfigurationException : AgentManagerException
{
    /// <summary>Creates the exception from the problems found.</summary>
    /// <param name="errors">One sentence per problem; at least one.</param>
    /// <param name="scheduleId">The schedule the problems are about, when they are about one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="errors"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="errors"/> is empty.</exception>
    public ScheduleConfigurationException(IEnumerable<string> errors, string? scheduleId = null)
        : this(ErrorList.Freeze(errors, nameof(errors)), scheduleId)
    {
    }

    private ScheduleConfigurationException(ReadOnlyCollection<string> errors, string? scheduleId)
        : base(errors.Count == 1
            ? "Schedule configuration is invalid: " + errors[0]
            : $"Schedule configuration has {errors.Count} errors:\n- " + string.Join("\n- ", errors))
    {
        Errors = errors;
        ScheduleId = scheduleId;
    }

    /// <summary>Gets the problems found, one sentence each.</summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>Gets the schedule the problems are about, when they are about one.</summary>
    public string? ScheduleId { get; }
}
