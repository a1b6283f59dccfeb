using AgentManager.Agents;
using AgentManager.Hooks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Loads a project's configuration directory: agent profiles, templates and hooks.</summary>
public static class ConfigurationDirectoryAgentManagerBuilderExtensions
{
    /// <summary>Reads the agent profiles (<c>&lt;dir&gt;/*.md</c>), skill and MCP server templates
    /// (<c>&lt;dir&gt;/templates/skills/*.md</c>, <c>&lt;dir&gt;/templates/mcp/*.md</c>) and hooks
    /// (<c>&lt;dir&gt;/hooks.json</c>) of a configuration directory, and turns hooks on
    /// (<see cref="HookOptions.Enabled"/>; configure it back to <see langword="false"/> afterwards to keep them
    /// off). Sets <see cref="AgentCatalogOptions.ConfigDirectory"/> and <see cref="HookOptions.ConfigDirectory"/>,
    /// replacing a directory set before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="directory">The directory, relative to the current directory or absolute; it is made
    /// absolute now.</param>
    /// <returns>The builder.</returns>
    /// <remarks>The files are read once, when the host starts (or when the catalog or hook runner is first
    /// resolved without a host). A missing directory or a bad file stops the start with an
    /// <see cref="AgentConfigurationException"/> or a <see cref="HookConfigurationException"/> that lists every
    /// problem with its file.</remarks>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is null or blank.</exception>
    public static IAgentManagerBuilder AddConfigurationDirectory(this IAgentManagerBuilder builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var fullPath = Path.GetFullPath(directory);
        builder.Services.Configure<AgentCatalogOptions>(o => o.ConfigDirectory = fullPath);
        builder.Services.Configure<HookOptions>(o =>
        {
            o.ConfigDirectory = fullPath;
            o.Enabled = true;
        });
        return builder;
    }
}
