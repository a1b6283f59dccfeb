namespace AgentManager.Execution;

/// <summary>How a <see cref="ProcessAgentRunner"/> hands the prompt to the agent process.</summary>
public enum PromptDelivery
{
    /// <summary>Writes the prompt to standard input (UTF-8), then closes it.</summary>
    Stdin,

    /// <summary>Appends the prompt as the last command-line argument, even when it is empty.</summary>
    Argument,

    /// <summary>Does not pass the prompt; standard input is closed at once.</summary>
    None,
}
