using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace AgentManager.Agents;

/// <summary>The agent profiles and skill and MCP server templates of a host, with every profile's template
/// references resolved. Immutable and safe to share between threads.</summary>
/// <remarks>
/// <para>A catalog is checked completely when it is made: invalid profiles and templates, duplicate ids or
/// names, and references to templates that do not exist (a required one that is missing, or whose
/// <see cref="TemplateReference.Version"/> differs) raise one <see cref="AgentConfigurationException"/>
/// listing every problem, with the templates that are available. Optional references that do not resolve
/// are skipped and listed in <see cref="ResolvedAgent.Missing"/>.</para>
/// <para>A configuration directory (<see cref="Load"/>) holds <c>*.md</c> profile files and
/// <c>templates/skills/*.md</c> and <c>templates/mcp/*.md</c> template files; see <c>docs/agents.md</c>.</para>
/// </remarks>
public sealed class AgentCatalog
{
    private readonly Dictionary<string, ResolvedAgent> agents;

    /// <summary>Creates a catalog of exactly the given profiles and templates (no built-ins unless given: pass
    /// <see cref="BuiltInAgents.All"/>, <see cref="BuiltInTemplates.Skills"/> and
    /// <see cref="BuiltInTemplates.McpServers"/> to include them).</summary>
    /// <param name="profiles">The profiles; agent ids must be unique.</param>
    /// <param name="skills">The skill templates; names must be unique.</param>
    /// <param name="mcpServers">The MCP server templates; names must be unique.</param>
    /// <exception cref="ArgumentNullException">An argument or one of its items is null.</exception>
    /// <exception cref="AgentConfigurationException">A profile or template is invalid, an id or name is
    /// repeated, or a required reference does not resolve; every problem is listed.</exception>
    public AgentCatalog(IEnumerable<AgentProfile> profiles, IEnumerable<SkillTemplate> skills, IEnumerable<McpServerTemplate> mcpServers)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(skills);
        ArgumentNullException.ThrowIfNull(mcpServers);
        var errors = new List<string>();
        var skillList = Unique(skills, skill => skill.Name, "skill", errors);
        var mcpList = Unique(mcpServers, server => server.Name, "MCP server", errors);
        var profileList = Unique(profiles, profile => profile.AgentId, "agent", errors);
        errors.AddRange(skillList.SelectMany(skill => skill.Problems().Select(problem => $"skill '{skill.Name}': {problem}")));
        errors.AddRange(mcpList.SelectMany(server => server.Problems().Select(problem => $"MCP server '{server.Name}': {problem}")));
        errors.AddRange(profileList.SelectMany(profile => profile.Problems().Select(problem => $"agent '{profile.AgentId}': {problem}")));
        ThrowIfAny(errors);

        agents = Build(profileList, skillList, mcpList, profile => $"agent '{profile.AgentId}'", [], errors);
        ThrowIfAny(errors);
        Profiles = profileList.OrderBy(profile => profile.AgentId, StringComparer.Ordinal).ToList().AsReadOnly();
        Skills = skillList.OrderBy(skill => skill.Name, StringComparer.Ordinal).ToList().AsReadOnly();
        McpServers = mcpList.OrderBy(server => server.Name, StringComparer.Ordinal).ToList().AsReadOnly();
    }

    /// <summary>Gets every profile, ordered by agent id.</summary>
    public IReadOnlyList<AgentProfile> Profiles { get; }

    /// <summary>Gets every skill template, ordered by name.</summary>
    public IReadOnlyList<SkillTemplate> Skills { get; }

    /// <summary>Gets every MCP server template, ordered by name.</summary>
    public IReadOnlyList<McpServerTemplate> McpServers { get; }

    /// <summary>Creates the catalog of the built-in profiles (<see cref="BuiltInAgents"/>) and templates
    /// (<see cref="BuiltInTemplates"/>).</summary>
    /// <returns>The catalog.</returns>
    public static AgentCatalog CreateDefault() => new(BuiltInAgents.All, BuiltInTemplates.Skills, BuiltInTemplates.McpServers);

    /// <summary>Creates the catalog of the built-ins and a project's configuration directory, whose files
    /// override built-ins of the same agent id or template name.</summary>
    /// <param name="configDirectory">The directory that holds <c>*.md</c> profiles and, optionally,
    /// <c>templates/skills/*.md</c> and <c>templates/mcp/*.md</c> templates. Only these folders are read, in
    /// ordinal file-name order, with <c>.md</c> matched in any case; hidden files are skipped.</param>
    /// <returns>The catalog.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configDirectory"/> is null.</exception>
    /// <exception cref="AgentConfigurationException">The directory does not exist, or at least one file is bad:
    /// every problem of every file is listed as <c>path: field: rule</c> (or <c>path: line N: ...</c> for
    /// front matter errors), including two files with the same agent id or template name (both named) and
    /// references that do not resolve.</exception>
    public static AgentCatalog Load(string configDirectory)
    {
        ArgumentNullException.ThrowIfNull(configDirectory);
        return LoadOver(BuiltInAgents.All, configDirectory);
    }

    /// <summary>Creates the catalog that <see cref="AgentCatalogOptions"/> describe: the built-ins, replaced
    /// by the options' profiles of the same agent id, replaced in turn by the configuration directory's
    /// files.</summary>
    /// <exception cref="AgentConfigurationException">A profile of the options is null, invalid or repeated,
    /// the directory is blank or missing, or a file is bad; every problem is listed.</exception>
    internal static AgentCatalog Create(AgentCatalogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var profiles = Unique(options.Profiles.Where(profile => profile is not null), profile => profile.AgentId, "AgentCatalogOptions.Profiles: agent", errors);
        if (options.Profiles.Any(profile => profile is null))
        {
            errors.Add("AgentCatalogOptions.Profiles: an entry is null");
        }

        errors.AddRange(profiles.SelectMany(profile => profile.Problems().Select(problem => $"AgentCatalogOptions.Profiles: agent '{profile.AgentId}': {problem}")));
        if (options.ConfigDirectory is { } blank && string.IsNullOrWhiteSpace(blank))
        {
            errors.Add("AgentCatalogOptions.ConfigDirectory is blank; set it to a directory or leave it null");
        }

        ThrowIfAny(errors);
        var defaults = Merge(BuiltInAgents.All, profiles.Select(profile => ((AgentProfile?)profile, "")), profile => profile.AgentId);
        return options.ConfigDirectory is { } directory
            ? LoadOver(defaults, directory)
            : new AgentCatalog(defaults, BuiltInTemplates.Skills, BuiltInTemplates.McpServers);
    }

    private static AgentCatalog LoadOver(IReadOnlyList<AgentProfile> defaults, string configDirectory)
    {
        var directory = Path.GetFullPath(configDirectory);
        if (!Directory.Exists(directory))
        {
            throw new AgentConfigurationException([$"{directory}: the configuration directory does not exist"]);
        }

        var errors = new List<string>();
        var skills = ReadFiles(Path.Combine(directory, "templates", "skills"), AgentFiles.ReadSkill, "skill name", errors);
        var mcpServers = ReadFiles(Path.Combine(directory, "templates", "mcp"), AgentFiles.ReadMcpServer, "MCP server name", errors);
        var profiles = ReadFiles(directory, AgentFiles.ReadProfile, "agent_id", errors);

        var skillList = Merge(BuiltInTemplates.Skills, skills.Values, skill => skill.Name);
        var mcpList = Merge(BuiltInTemplates.McpServers, mcpServers.Values, server => server.Name);
        var profileList = Merge(defaults, profiles.Values, profile => profile.AgentId);
        var files = profiles.Values.ToDictionary(file => (object)file.Value!, file => file.Path, ReferenceEqualityComparer.Instance);

        // Templates whose file is bad but whose name was read are not reported again as missing references.
        var badTemplates = skills.Failed.Select(name => (TemplateKind.Skill, name))
            .Concat(mcpServers.Failed.Select(name => (TemplateKind.Mcp, name)))
            .ToHashSet();
        var where = (AgentProfile profile) => files.TryGetValue(profile, out var path)
            ? path
            : BuiltInAgents.All.Contains(profile) ? $"built-in agent '{profile.AgentId}'" : $"agent '{profile.AgentId}'";
        var agents = Build(profileList, skillList, mcpList, where, badTemplates, errors);
        ThrowIfAny(errors);
        return new AgentCatalog(agents, profileList, skillList, mcpList);
    }

    /// <summary>Finds a profile by agent id.</summary>
    /// <param name="agentId">The agent id; matching is exact.</param>
    /// <param name="profile">The profile when found.</param>
    /// <returns><see langword="true"/> when the catalog has the agent.</returns>
    public bool TryGetProfile(string agentId, [MaybeNullWhen(false)] out AgentProfile profile)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        if (agents.TryGetValue(agentId, out var agent))
        {
            profile = agent.Profile;
            return true;
        }

        profile = null;
        return false;
    }

    /// <summary>The runner of a plan item's assignee when its profile names a process runner, which comes before an
    /// agent registered with DI under the same id, as for workflows made from plans over HTTP; otherwise
    /// <see langword="null"/> (the engine then looks the assignee up among the DI agents).</summary>
    internal Execution.ProcessAgentRunner? PlanRunnerOf(string agentId) =>
        TryGetProfile(agentId, out var profile) && profile.Runner is { } runner ? new Execution.ProcessAgentRunner(runner) : null;

    /// <summary>Gets an agent's profile with its templates, resolved when the catalog was made.</summary>
    /// <param name="agentId">The agent id; matching is exact.</param>
    /// <returns>The resolved agent.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="agentId"/> is null.</exception>
    /// <exception cref="AgentConfigurationException">No profile has the id; the message lists the agent ids
    /// available.</exception>
    public ResolvedAgent Resolve(string agentId)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        return agents.TryGetValue(agentId, out var agent)
            ? agent
            : throw new AgentConfigurationException(
                [$"agent '{agentId}' does not exist; available agents: {Available(Profiles.Select(profile => profile.AgentId))}"]);
    }

    private AgentCatalog(
        Dictionary<string, ResolvedAgent> agents,
        IEnumerable<AgentProfile> profiles,
        IEnumerable<SkillTemplate> skills,
        IEnumerable<McpServerTemplate> mcpServers)
    {
        this.agents = agents;
        Profiles = profiles.OrderBy(profile => profile.AgentId, StringComparer.Ordinal).ToList().AsReadOnly();
        Skills = skills.OrderBy(skill => skill.Name, StringComparer.Ordinal).ToList().AsReadOnly();
        McpServers = mcpServers.OrderBy(server => server.Name, StringComparer.Ordinal).ToList().AsReadOnly();
    }

    private static void ThrowIfAny(List<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new AgentConfigurationException(errors);
        }
    }

    private static List<T> Unique<T>(IEnumerable<T> items, Func<T, string> key, string what, List<string> errors)
        where T : class
    {
        var list = new List<T>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            if (seen.Add(key(item)))
            {
                list.Add(item);
            }
            else
            {
                errors.Add($"{what} '{key(item)}' is defined more than once; ids and names must be unique");
            }
        }

        return list;
    }

    private static List<T> Merge<T>(IEnumerable<T> builtIns, IEnumerable<(T? Value, string Path)> project, Func<T, string> key)
        where T : class
    {
        var merged = builtIns.ToDictionary(key, StringComparer.Ordinal);
        foreach (var (value, _) in project)
        {
            merged[key(value!)] = value!;
        }

        return [.. merged.Values];
    }

    /// <summary>Resolves every profile's references, adding an error per required reference that does not
    /// resolve.</summary>
    private static Dictionary<string, ResolvedAgent> Build(
        List<AgentProfile> profiles,
        List<SkillTemplate> skills,
        List<McpServerTemplate> mcpServers,
        Func<AgentProfile, string> where,
        HashSet<(TemplateKind, string)> badTemplates,
        List<string> errors)
    {
        var skillsByName = skills.ToDictionary(skill => skill.Name, StringComparer.Ordinal);
        var mcpByName = mcpServers.ToDictionary(server => server.Name, StringComparer.Ordinal);
        var result = new Dictionary<string, ResolvedAgent>(StringComparer.Ordinal);
        foreach (var profile in profiles)
        {
            var missing = new List<TemplateReference>();
            var resolvedSkills = ResolveAll(profile.Skills, "skills", skillsByName, skill => skill.Version, profile, where, badTemplates, missing, errors);
            var resolvedMcp = ResolveAll(profile.McpServers, "mcp_servers", mcpByName, server => server.Version, profile, where, badTemplates, missing, errors);
            result[profile.AgentId] = new ResolvedAgent(profile, resolvedSkills, resolvedMcp, missing.AsReadOnly());
        }

        return result;
    }

    private static ReadOnlyCollection<T> ResolveAll<T>(
        IReadOnlyList<TemplateReference> references,
        string field,
        Dictionary<string, T> templates,
        Func<T, string> version,
        AgentProfile profile,
        Func<AgentProfile, string> where,
        HashSet<(TemplateKind, string)> badTemplates,
        List<TemplateReference> missing,
        List<string> errors)
        where T : class
    {
        var resolved = new List<T>();
        for (var i = 0; i < references.Count; i++)
        {
            var reference = references[i];
            if (templates.TryGetValue(reference.Name, out var template)
                && (reference.Version is null || reference.Version == version(template)))
            {
                resolved.Add(template);
            }
            else if (!reference.Required)
            {
                missing.Add(reference);
            }
            else if (!badTemplates.Contains((reference.Kind, reference.Name)))
            {
                var found = template is null
                    ? "no such template exists"
                    : $"the catalog has version {version(template)}";
                var available = Available(templates.Select(pair => $"{pair.Key}@{version(pair.Value)}"));
                errors.Add($"{where(profile)}: {field}[{i}]: required {reference} does not resolve: {found}; available: {available}");
            }
        }

        return resolved.AsReadOnly();
    }

    private static string Available(IEnumerable<string> names)
    {
        var sorted = names.Order(StringComparer.Ordinal).ToList();
        return sorted.Count == 0 ? "(none)" : string.Join(", ", sorted);
    }

    private sealed record ProjectFiles<T>(List<(T? Value, string Path)> Values, List<string> Failed)
        where T : class;

    /// <summary>Reads every <c>*.md</c> file of a folder (a missing folder is empty), reporting bad files and
    /// repeated keys.</summary>
    private static ProjectFiles<T> ReadFiles<T>(string folder, Func<string, AgentFiles.Parsed<T>> read, string keyName, List<string> errors)
        where T : class
    {
        var values = new List<(T? Value, string Path)>();
        var failed = new List<string>();
        if (!Directory.Exists(folder))
        {
            return new(values, failed);
        }

        var options = new EnumerationOptions { MatchCasing = MatchCasing.CaseInsensitive, RecurseSubdirectories = false };
        var paths = Directory.EnumerateFiles(folder, "*.md", options).Order(StringComparer.Ordinal).ToList();
        var firstFile = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            AgentFiles.Parsed<T> parsed;
            try
            {
                parsed = read(File.ReadAllText(path));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{path}: the file could not be read: {exception.Message}");
                continue;
            }

            errors.AddRange(parsed.Errors.Select(error => $"{path}: {error}"));
            if (parsed.Key is { Length: > 0 } key)
            {
                if (firstFile.TryGetValue(key, out var first))
                {
                    errors.Add($"{path}: {keyName} '{key}' is already defined by {first}; each must be unique");
                    continue;
                }

                firstFile[key] = path;
            }

            if (parsed.Value is null)
            {
                if (parsed.Key is { Length: > 0 } badKey)
                {
                    failed.Add(badKey);
                }
            }
            else
            {
                values.Add((parsed.Value, path));
            }
        }

        return new(values, failed);
    }
}
