namespace AgentManager.Agents;

/// <summary>Settings of the host's <see cref="AgentCatalog"/>, made once when the engine first needs it:
/// the built-in profiles and templates, then <see cref="Profiles"/>, then the files of
/// <see cref="ConfigDirectory"/>, each layer replacing profiles of the same agent id from the one before.</summary>
public sealed class AgentCatalogOptions
{
    /// <summary>Gets or sets the configuration directory whose <c>*.md</c> profiles and
    /// <c>templates/skills/*.md</c> and <c>templates/mcp/*.md</c> templates are loaded (see
    /// <see cref="AgentCatalog.Load"/>); set by <c>AddConfigurationDirectory</c>.</summary>
    /// <value>The default, <see langword="null"/>, reads no files: the catalog holds the built-ins and
    /// <see cref="Profiles"/>.</value>
    public string? ConfigDirectory { get; set; }

    /// <summary>Gets profiles added in code (for example the agents of a plan file); they replace built-ins of
    /// the same agent id and are replaced by a profile file of the same agent id. Agent ids must be unique in
    /// this list.</summary>
    public IList<AgentProfile> Profiles { get; } = new List<AgentProfile>();
}
