using Microsoft.Extensions.Options;

namespace AgentManager.Hosting;

/// <summary>Checks <see cref="AgentManagerApiOptions"/> when the host starts and reports every problem at once.</summary>
internal sealed class AgentManagerApiOptionsValidator : IValidateOptions<AgentManagerApiOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentManagerApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.MaxRequestBodySize < 1)
        {
            errors.Add($"AgentManagerApiOptions.MaxRequestBodySize is {options.MaxRequestBodySize}; it must be at least 1 byte.");
        }

        if (!Ids.IsValid(options.AdhocWorkflowId))
        {
            errors.Add($"AgentManagerApiOptions.AdhocWorkflowId '{options.AdhocWorkflowId}' is not a valid id; ids match {Ids.Pattern}.");
        }

        if (options.EventStreamHeartbeat <= TimeSpan.Zero)
        {
            errors.Add($"AgentManagerApiOptions.EventStreamHeartbeat is {options.EventStreamHeartbeat}; it must be positive.");
        }

        if (string.IsNullOrWhiteSpace(options.SchedulePlanDirectory))
        {
            errors.Add("AgentManagerApiOptions.SchedulePlanDirectory is blank; it must name the directory that keeps the schedules defined over HTTP.");
        }

        if (options.MaxPageSize is < 1 or > Persistence.EventLogQuery.MaxLimit)
        {
            errors.Add($"AgentManagerApiOptions.MaxPageSize is {options.MaxPageSize}; it must be from 1 to {Persistence.EventLogQuery.MaxLimit}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
