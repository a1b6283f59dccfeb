using System.Runtime.CompilerServices;

namespace AgentManager;

/// <summary>The rule every AgentManager id (task, workflow, agent, plan) follows.</summary>
public static class Ids
{
    /// <summary>The longest id accepted.</summary>
    public const int MaxLength = 200;

    /// <summary>The rule as a regular expression, for documentation and API schemas.</summary>
    public const string Pattern = "^[A-Za-z0-9_.:-]+$";

    /// <summary>Tells whether <paramref name="id"/> is a valid id.</summary>
    /// <param name="id">The candidate id.</param>
    /// <returns><see langword="true"/> when the id is 1 to <see cref="MaxLength"/> characters from
    /// <c>A-Z a-z 0-9 _ . : -</c>.</returns>
    public static bool IsValid(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!IsIdChar(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the value and the rule when
    /// <paramref name="id"/> is not a valid id.</summary>
    /// <param name="id">The candidate id.</param>
    /// <param name="paramName">The argument's name, filled in by the compiler.</param>
    public static void ThrowIfInvalid(string? id, [CallerArgumentExpression(nameof(id))] string? paramName = null)
    {
        if (!IsValid(id))
        {
            throw new ArgumentException(Describe(id), paramName);
        }
    }

    internal static string Describe(string? id) => id is null
        ? "An id is required; ids match ^[A-Za-z0-9_.:-]+$."
        : $"'{id}' is not a valid id: ids are 1 to {MaxLength} characters matching ^[A-Za-z0-9_.:-]+$.";

    private static bool IsIdChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '.' or ':' or '-';
}
