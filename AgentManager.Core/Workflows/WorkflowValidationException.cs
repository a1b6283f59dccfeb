namespace AgentManager.Workflows;

/// <summary>Raised when a workflow definition breaks one or more rules; nothing was stored.</summary>
public sealed class WorkflowValidationException : AgentManagerException
{
    /// <summary>Creates the exception listing every broken rule.</summary>
    /// <param name="errors">One sentence per broken rule, each naming the offending value.</param>
    public WorkflowValidationException(IReadOnlyList<string> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    /// <summary>Gets one sentence per broken rule.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static string Format(IReadOnlyList<string> errors) => errors.Count == 1
        ? "The workflow is invalid: " + errors[0]
        : $"The workflow is invalid ({errors.Count} problems):" + Environment.NewLine + "- " + string.Join(Environment.NewLine + "- ", errors);
}
