namespace AgentManager.Inbox;

/// <summary>Raised when a <see cref="HumanDecision"/> is malformed (no actor, no reason, the engine as actor, a bad
/// id, an undefined action); nothing was recorded.</summary>
public sealed class InvalidHumanDecisionException : AgentManagerException
{
    /// <summary>Creates the exception listing every problem.</summary>
    /// <param name="errors">One sentence per problem, each naming the field and the rule.</param>
    public InvalidHumanDecisionException(IReadOnlyList<string> errors)
        : base(errors.Count == 1 ? "The human decision is invalid: " + errors[0] : "The human decision is invalid: " + string.Join(" ", errors))
    {
        Errors = errors;
    }

    /// <summary>Gets one sentence per problem.</summary>
    public IReadOnlyList<string> Errors { get; }
}
