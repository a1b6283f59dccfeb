using System.Text;

namespace AgentManager.Execution;

/// <summary>The command-line syntax of <see cref="CommandVerifier.Parse"/>: split into arguments without a
/// shell, and the reverse for display.</summary>
/// <remarks>White space separates arguments; <c>'...'</c> is literal; <c>"..."</c> is literal except that
/// <c>\"</c> and <c>\\</c> stand for <c>"</c> and <c>\</c>; outside quotes a backslash takes the next
/// character literally. Quoted and unquoted parts next to each other form one argument.</remarks>
internal static class CommandLine
{
    public static string[] Split(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        if (string.IsNullOrWhiteSpace(commandLine))
        {
            throw Invalid(commandLine, "is blank; it must name at least the program to run");
        }

        var arguments = new List<string>();
        var current = new StringBuilder();
        var inArgument = false;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            if (char.IsWhiteSpace(c))
            {
                if (inArgument)
                {
                    arguments.Add(current.ToString());
                    current.Clear();
                    inArgument = false;
                }

                continue;
            }

            inArgument = true;
            switch (c)
            {
                case '\'':
                    var close = commandLine.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw Invalid(commandLine, $"has an unterminated single quote at position {i}; close every quote");
                    }

                    current.Append(commandLine, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    i = ReadDoubleQuoted(commandLine, i, current);
                    break;
                case '\\':
                    if (i + 1 == commandLine.Length)
                    {
                        throw Invalid(commandLine, "ends with a backslash that escapes nothing; write \\\\ for a backslash");
                    }

                    current.Append(commandLine[++i]);
                    break;
                default:
                    current.Append(c);
                    break;
            }
        }

        if (inArgument)
        {
            arguments.Add(current.ToString());
        }

        if (string.IsNullOrWhiteSpace(arguments[0]))
        {
            throw Invalid(commandLine, "starts with a blank program; the first argument must name the program to run");
        }

        return [.. arguments];
    }

    /// <summary>Writes <paramref name="arguments"/> so that <see cref="Split"/> gives them back.</summary>
    public static string Format(IReadOnlyList<string> arguments)
    {
        var text = new StringBuilder();
        foreach (var argument in arguments)
        {
            if (text.Length > 0)
            {
                text.Append(' ');
            }

            AppendQuoted(text, argument);
        }

        return text.ToString();
    }

    private static int ReadDoubleQuoted(string commandLine, int open, StringBuilder current)
    {
        for (var i = open + 1; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            if (c == '"')
            {
                return i;
            }

            if (c == '\\' && i + 1 < commandLine.Length && commandLine[i + 1] is '"' or '\\')
            {
                c = commandLine[++i];
            }

            current.Append(c);
        }

        throw Invalid(commandLine, $"has an unterminated double quote at position {open}; close every quote");
    }

    private static void AppendQuoted(StringBuilder text, string argument)
    {
        if (argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '\\'))
        {
            text.Append(argument);
        }
        else if (!argument.Contains('\'', StringComparison.Ordinal))
        {
            text.Append('\'').Append(argument).Append('\'');
        }
        else
        {
            text.Append('"');
            foreach (var c in argument)
            {
                if (c is '"' or '\\')
                {
                    text.Append('\\');
                }

                text.Append(c);
            }

            text.Append('"');
        }
    }

    private static ArgumentException Invalid(string commandLine, string rule) =>
        new($"Command line '{commandLine}' {rule}.", nameof(commandLine));
}
