using Microsoft.Extensions.Options;

namespace AgentManager.Schedules;

/// <summary>Checks <see cref="ScheduleOptions"/> when the host starts and reports every broken rule at once,
/// including every rule each code-defined schedule breaks.</summary>
internal sealed class ScheduleOptionsValidator : IValidateOptions<ScheduleOptions>
{
    public ValidateOptionsResult Validate(string? name, ScheduleOptions options)
    {
        var errors = new List<string>();
        if (TimerLimit.CheckPositive(nameof(options.RefreshInterval), options.RefreshInterval) is { } refreshError)
        {
            errors.Add(refreshError);
        }

        if (options.MissedRunTolerance < TimeSpan.Zero)
        {
            errors.Add($"MissedRunTolerance is {options.MissedRunTolerance}; it must not be negative.");
        }

        if (options.ConfigDirectory is not null && string.IsNullOrWhiteSpace(options.ConfigDirectory))
        {
            errors.Add("ConfigDirectory is blank; set it to a directory or leave it null.");
        }

        errors.AddRange(ScheduleValidator.Check(options.Schedules, out _));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
