namespace AgentManager.Hooks;

/// <summary>Shortens framework exception messages to the sentence a configuration error needs.</summary>
internal static class ErrorText
{
    private static readonly string[] Suffixes = [" (Parameter", " LineNumber:", " Path:"];

    /// <summary>The message without the parameter name that <see cref="ArgumentException"/> appends and the
    /// position that <see cref="System.Text.Json.JsonException"/> appends (callers give the position
    /// themselves).</summary>
    public static string Of(Exception exception)
    {
        var message = exception.Message;
        foreach (var suffix in Suffixes)
        {
            var cut = message.IndexOf(suffix, StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }
        }

        return message;
    }
}
