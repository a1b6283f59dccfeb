namespace AgentManager.Hosting.Http;

/// <summary>The sentence of an <see cref="ArgumentException"/> without the " (Parameter 'x')" that .NET appends.</summary>
internal static class ArgumentMessages
{
    public static string WithoutParameter(ArgumentException exception) => exception.ParamName is { } name
        ? exception.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal)
        : exception.Message;
}
