namespace AgentManager.Workflows;

/// <summary>The delay of the published marks has passed: the loop stores those no batch carried meanwhile.</summary>
internal sealed class PublishedMarksDueCommand : IEngineCommand
{
    public static PublishedMarksDueCommand Instance { get; } = new();
}
