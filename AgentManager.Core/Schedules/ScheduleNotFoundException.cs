namespace AgentManager.Schedules;

/// <summary>Raised when no schedule has the given id.</summary>
public sealed class ScheduleNotFoundException : AgentManagerException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="scheduleId">The id that was not found.</param>
    public ScheduleNotFoundException(string scheduleId)
        : base($"No schedule has the id '{scheduleId}'.")
    {
        ScheduleId = scheduleId;
    }

    /// <summary>Gets the id that was not found.</summary>
    public string ScheduleId { get; }
}
