using Microsoft.Extensions.Options;

namespace AgentManager.Memory;

/// <summary>Checks <see cref="AgentMemoryOptions"/> when the host starts and reports every broken rule at once.</summary>
internal sealed class AgentMemoryOptionsValidator : IValidateOptions<AgentMemoryOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentMemoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.EmbeddingDimensions is < 1 or > HashingEmbeddingGenerator.MaxDimensions)
        {
            errors.Add($"EmbeddingDimensions is {options.EmbeddingDimensions}; it must be 1 to {HashingEmbeddingGenerator.MaxDimensions}.");
        }

        if (!Ids.IsValid(options.OutcomeNamespace))
        {
            errors.Add("OutcomeNamespace: " + Ids.Describe(options.OutcomeNamespace));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
