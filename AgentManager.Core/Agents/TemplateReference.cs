namespace AgentManager.Agents;

/// <summary>A profile's reference to a skill or MCP server template of the <see cref="AgentCatalog"/>.</summary>
/// <param name="Kind">Whether the reference names a skill or an MCP server template.</param>
/// <param name="Name">The template's name, for example <c>task-planning</c>.</param>
/// <param name="Version">The exact version required; <see langword="null"/> accepts any version.</param>
/// <param name="Required">Whether a missing template is an error (<see langword="true"/>) or is skipped and
/// listed in <see cref="ResolvedAgent.Missing"/> (<see langword="false"/>).</param>
public sealed record TemplateReference(TemplateKind Kind, string Name, string? Version = null, bool Required = true)
{
    /// <summary>Describes the reference, for example <c>skill 'code-review' (version 2.0.0, optional)</c>.</summary>
    /// <returns>The description used in error messages.</returns>
    public override string ToString()
    {
        var kind = Kind == TemplateKind.Skill ? "skill" : "MCP server";
        var version = Version is null ? "" : $"version {Version}";
        var required = Required ? "" : "optional";
        var details = string.Join(", ", new[] { version, required }.Where(part => part.Length > 0));
        return details.Length == 0 ? $"{kind} '{Name}'" : $"{kind} '{Name}' ({details})";
    }
}
