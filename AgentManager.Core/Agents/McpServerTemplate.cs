namespace AgentManager.Agents;

/// <summary>An MCP server an agent process can use, referenced by profiles in
/// <see cref="AgentProfile.McpServers"/> and written for the process by <see cref="McpConfigWriter"/>.
/// Immutable.</summary>
/// <remarks>
/// <para>A server is either started by the MCP client as a process (<see cref="Command"/>, with
/// <see cref="Args"/> and <see cref="Env"/>) or reached over HTTP (<see cref="Url"/>), never both.</para>
/// <para>In a configuration directory a server is <c>templates/mcp/&lt;any&gt;.md</c>: a JSON front matter with
/// <c>name</c>, <c>version</c>, <c>description</c>, <c>command</c> (a string or an argv array), <c>args</c>,
/// <c>env</c> and <c>url</c>, and the Markdown body as <see cref="Prompt"/>.</para>
/// </remarks>
public sealed class McpServerTemplate
{
    private readonly string name = "";
    private readonly string version = SkillTemplate.DefaultVersion;
    private readonly string description = "";
    private readonly string prompt = "";
    private readonly IReadOnlyList<string> command = [];
    private readonly IReadOnlyList<string> args = [];
    private readonly IReadOnlyDictionary<string, string> env = Frozen.Map([], "env");

    /// <summary>Gets the template's name, unique among MCP servers and used as the server's key in the MCP
    /// configuration file; a valid id (see <see cref="Ids"/>).</summary>
    public required string Name
    {
        get => name;
        init => name = value ?? throw new ArgumentNullException(nameof(Name));
    }

    /// <summary>Gets the version a <see cref="TemplateReference.Version"/> must match;
    /// <see cref="SkillTemplate.DefaultVersion"/> by default.</summary>
    public string Version
    {
        get => version;
        init => version = value ?? throw new ArgumentNullException(nameof(Version));
    }

    /// <summary>Gets a one-line summary for people; the prompt uses it when <see cref="Prompt"/> is empty.</summary>
    public string Description
    {
        get => description;
        init => description = value ?? throw new ArgumentNullException(nameof(Description));
    }

    /// <summary>Gets the argument vector that starts the server: element 0 is the program, the rest its first
    /// arguments. Empty for an HTTP server.</summary>
    public IReadOnlyList<string> Command
    {
        get => command;
        init => command = Frozen.List(value, nameof(Command));
    }

    /// <summary>Gets arguments written after those of <see cref="Command"/>; empty by default.</summary>
    public IReadOnlyList<string> Args
    {
        get => args;
        init => args = Frozen.List(value, nameof(Args));
    }

    /// <summary>Gets environment variables for the server process; empty by default.</summary>
    public IReadOnlyDictionary<string, string> Env
    {
        get => env;
        init => env = Frozen.Map(value, nameof(Env));
    }

    /// <summary>Gets the absolute <c>http</c> or <c>https</c> address of a server reached over HTTP;
    /// <see langword="null"/> for a process server.</summary>
    public Uri? Url { get; init; }

    /// <summary>Gets the snippet the <see cref="PromptBuilder"/> puts in the prompt's MCP section: what the
    /// server's tools are for. Empty by default.</summary>
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

        if (Url is null)
        {
            if (Command.Count == 0)
            {
                yield return new("command", "an MCP server needs either a command (argv) or a url");
            }
            else if (string.IsNullOrWhiteSpace(Command[0]))
            {
                yield return new("command", "command[0] is blank; it must name the program to run");
            }
        }
        else
        {
            if (Command.Count > 0 || Args.Count > 0 || Env.Count > 0)
            {
                yield return new("url", "a server with a url is reached over HTTP and must not have command, args or env");
            }

            if (!Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps))
            {
                yield return new("url", $"'{Url.OriginalString}' is not an absolute http or https address");
            }
        }

        for (var i = 0; i < Command.Count; i++)
        {
            if (Command[i] is null)
            {
                yield return new($"command[{i}]", "arguments must not be null");
            }
        }

        for (var i = 0; i < Args.Count; i++)
        {
            if (Args[i] is null)
            {
                yield return new($"args[{i}]", "arguments must not be null");
            }
        }

        foreach (var problem in Frozen.EnvironmentProblems(Env, "env"))
        {
            yield return problem;
        }
    }
}
