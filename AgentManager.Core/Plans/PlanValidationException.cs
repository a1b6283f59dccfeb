namespace AgentManager.Plans;

/// <summary>Raised when a task plan breaks one or more rules; nothing was changed.</summary>
public sealed class PlanValidationException : AgentManagerException
{
    /// <summary>Creates the exception listing every broken rule.</summary>
    /// <param name="planId">The plan, or <see langword="null"/> when it has no valid id yet.</param>
    /// <param name="errors">Every broken rule; at least one.</param>
    /// <exception cref="ArgumentNullException"><paramref name="errors"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="errors"/> is empty.</exception>
    public PlanValidationException(string? planId, IReadOnlyList<PlanValidationError> errors)
        : base(Format(planId, errors))
    {
        PlanId = planId;
        Errors = errors;
    }

    /// <summary>Gets the plan id, when known.</summary>
    public string? PlanId { get; }

    /// <summary>Gets every broken rule, in item order, plan-level rules first.</summary>
    public IReadOnlyList<PlanValidationError> Errors { get; }

    private static string Format(string? planId, IReadOnlyList<PlanValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("At least one error is required.", nameof(errors));
        }

        var plan = planId is null ? "The task plan" : $"Task plan '{planId}'";
        return errors.Count == 1
            ? $"{plan} is invalid: {errors[0]}"
            : $"{plan} is invalid ({errors.Count} problems):\n- " + string.Join("\n- ", errors);
    }
}
