namespace AgentManager.Agents;

/// <summary>A reusable prompt snippet that teaches an agent a way of working, referenced by profiles in
/// <see cref="AgentProfile.Skills"/>. Immutable.</summary>
/// <remarks>In a configuration directory a skill is <c>templates/skills/&lt;any&gt;.md</c>: a JSON front matter
/// with <c>name</c>, <c>version</c> and <c>description</c>, and the Markdown body as <see cref="Prompt"/>.</remarks>
public sealed class SkillTemplate
{
    /// <summary>The version given to templates that do not state one.</summary>
    public const string DefaultVersion = "1.0.0";

    private readonly string name = "";
    private readonly string version = DefaultVersion;
    private readonly string description = "";
    private readonly string prompt = "";

    /// <summary>Gets the template's name, unique among skills; a valid id (see <see cref="Ids"/>).</summary>
    public required string Name
    {
        get => name;
        init => name = value ?? throw new ArgumentNullException(nameof(Name));
    }

    /// <summary>Gets the version a <see cref="TemplateReference.Version"/> must match; <see cref="DefaultVersion"/>
    /// by default.</summary>
    public string Version
    {
        get => version;
        init => version = value ?? throw new ArgumentNullException(nameof(Version));
    }

    /// <summary>Gets a one-line summary for people; not sent to the agent. Empty by default.</summary>
    public string Description
    {
        get => description;
        init => description = value ?? throw new ArgumentNullException(nameof(Description));
    }

    /// <summary>Gets the snippet the <see cref="PromptBuilder"/> puts in the prompt's skills section.</summary>
    public string Prompt
    {
        get => prompt;
        init => prompt = value ?? throw new ArgumentNullException(nameof(Prompt));
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}@{Version}";

    internal IEnumerable<FieldError> Problems()
    {
        if (!Ids.IsValid(Name))
        {
            yield return new("name", Ids.Describe(Name.Length == 0 ? null : Name));
        }

        if (string.IsNullOrWhiteSpace(Version))
        {
            yield return new("version", "the version must not be blank");
        }
    }
}
