namespace AgentManager;

/// <summary>The base of every error that AgentManager raises for a broken domain rule.</summary>
/// <remarks>Catch this type to handle any AgentManager rule violation; argument errors stay
/// <see cref="ArgumentException"/>s as everywhere in .NET.</remarks>
public class AgentManagerException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">A sentence that names the offending value and the rule.</param>
    public AgentManagerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    /// <param name="message">A sentence that names the offending value and the rule.</param>
    /// <param name="innerException">The underlying error.</param>
    public AgentManagerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
