using Microsoft.Extensions.Options;

namespace AgentManager;

/// <summary>Checks <see cref="AgentManagerOptions"/> when the host starts and reports every broken rule at once.</summary>
internal sealed class AgentManagerOptionsValidator : IValidateOptions<AgentManagerOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentManagerOptions options)
    {
        var errors = new List<string>();
        if (options.MaxConcurrency < 1)
        {
            errors.Add($"MaxConcurrency is {options.MaxConcurrency}; it must be at least 1.");
        }

        AddIfFailed(errors, TimerLimit.CheckPositive(nameof(options.DefaultTaskTimeout), options.DefaultTaskTimeout));
        AddIfFailed(errors, TimerLimit.CheckPositive(nameof(options.VerificationTimeout), options.VerificationTimeout));
        AddIfFailed(errors, TimerLimit.CheckPositive(nameof(options.InboxPollInterval), options.InboxPollInterval));
        if (options.DefaultResourceCapacity < 1)
        {
            errors.Add($"DefaultResourceCapacity is {options.DefaultResourceCapacity}; it must be at least 1.");
        }

        foreach (var (key, capacity) in options.ResourceCapacities)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                errors.Add("ResourceCapacities has a blank key; resource keys must not be blank.");
            }
            else if (capacity < 1)
            {
                errors.Add($"ResourceCapacities['{key}'] is {capacity}; a capacity must be at least 1.");
            }
        }

        if (options.EventSubscriberCapacity < 1)
        {
            errors.Add($"EventSubscriberCapacity is {options.EventSubscriberCapacity}; it must be at least 1.");
        }

        if (string.IsNullOrWhiteSpace(options.WorkRoot))
        {
            errors.Add("WorkRoot is blank; it must name a directory.");
        }

        if (options.MaxPromptChars < Agents.PromptBuilder.MinMaxChars)
        {
            errors.Add($"MaxPromptChars is {options.MaxPromptChars}; it must be at least {Agents.PromptBuilder.MinMaxChars}.");
        }

        if (options.OutputTailChars < 0)
        {
            errors.Add($"OutputTailChars is {options.OutputTailChars}; it must not be negative.");
        }

        if (options.LeaseRenewInterval <= TimeSpan.Zero || options.LeaseDuration <= TimeSpan.Zero)
        {
            errors.Add($"LeaseDuration is {options.LeaseDuration} and LeaseRenewInterval is {options.LeaseRenewInterval}; both must be positive.");
        }
        else if (options.LeaseRenewInterval >= options.LeaseDuration)
        {
            errors.Add($"LeaseRenewInterval is {options.LeaseRenewInterval}, not shorter than LeaseDuration {options.LeaseDuration}; a lease must be renewed before it expires.");
        }

        errors.AddRange(options.Retry.Validate("Retry."));
        errors.AddRange(options.Repair.Validate("Repair."));
        errors.AddRange(options.Retention.Validate("Retention."));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void AddIfFailed(List<string> errors, string? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }
}
