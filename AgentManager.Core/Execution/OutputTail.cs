namespace AgentManager.Execution;

/// <summary>Shortens process output to the last lines, for error messages.</summary>
internal static class OutputTail
{
    public const int MaxLines = 20;
    public const int MaxChars = 4000;

    /// <summary>The last <see cref="MaxLines"/> non-trailing-blank lines of <paramref name="text"/>, at
    /// most <see cref="MaxChars"/> characters; empty when the text is blank.</summary>
    public static string Of(string text)
    {
        var trimmed = text.AsSpan().TrimEnd();
        var from = trimmed.Length;
        for (var lines = 0; lines < MaxLines && from > 0; lines++)
        {
            var newline = trimmed[..from].LastIndexOf('\n');
            from = newline < 0 ? 0 : newline;
        }

        var tail = trimmed[from..].TrimStart('\n');
        if (tail.Length > MaxChars)
        {
            tail = tail[^MaxChars..];
        }

        return tail.ToString();
    }
}
