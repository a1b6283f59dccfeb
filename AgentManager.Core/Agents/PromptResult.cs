namespace AgentManager.Agents;

/// <summary>A prompt made by <see cref="PromptBuilder"/>.</summary>
public sealed class PromptResult
{
    internal PromptResult(string text, bool truncated, int omittedChars)
    {
        Text = text;
        Truncated = truncated;
        OmittedChars = omittedChars;
    }

    /// <summary>Gets the prompt, at most <see cref="PromptBuilder.MaxChars"/> characters long.</summary>
    public string Text { get; }

    /// <summary>Gets whether parts were left out to fit the budget; the text then ends with a line saying
    /// how many characters were omitted.</summary>
    public bool Truncated { get; }

    /// <summary>Gets how many characters of the full prompt were left out (headings and separators of removed
    /// parts included); 0 when <see cref="Truncated"/> is <see langword="false"/>.</summary>
    public int OmittedChars { get; }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
