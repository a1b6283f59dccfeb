namespace AgentManager.Hosting;

/// <summary>Settings of the AgentManager HTTP API. Bound from the configuration section
/// <see cref="ConfigurationSection"/> (<c>AgentManager:Api</c>), then changed by the callback given to
/// <c>AddHosting</c>; checked when the host starts.</summary>
public sealed class AgentManagerApiOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string ConfigurationSection = "AgentManager:Api";

    /// <summary>The default largest request body, 1 MiB.</summary>
    public const long DefaultMaxRequestBodySize = 1024 * 1024;

    /// <summary>Gets or sets the token every request must present as <c>Authorization: Bearer &lt;token&gt;</c>;
    /// the <c>/health</c> endpoints stay open. Configuration key <c>AgentManager:Api:BearerToken</c>.</summary>
    /// <value>The default, <see langword="null"/> (or blank), turns authentication off.</value>
    public string? BearerToken { get; set; }

    /// <summary>Gets or sets the largest request body in bytes; a larger one is refused with 413.</summary>
    /// <value>The default is <see cref="DefaultMaxRequestBodySize"/> (1 MiB).</value>
    public long MaxRequestBodySize { get; set; } = DefaultMaxRequestBodySize;

    /// <summary>Gets or sets the id of the workflow that holds the tasks of the original flat task API
    /// (<c>POST /tasks</c>); it must be a valid id and no other workflow may use it.</summary>
    /// <value>The default is <c>adhoc</c>.</value>
    public string AdhocWorkflowId { get; set; } = "adhoc";

    /// <summary>Gets or sets how often an idle event stream sends a comment line, so that proxies keep it open.</summary>
    /// <value>The default is 15 seconds.</value>
    public TimeSpan EventStreamHeartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets the directory where <c>POST /schedules</c> keeps each schedule it defines as its request
    /// (<c>&lt;schedule id&gt;.json</c>): the <c>plan_id</c> and version of a stored plan, or the plan given in the
    /// body. The host loads the latter at start, so such a schedule fires after a restart too; a schedule of a stored
    /// plan needs nothing from here to fire. Relative to the current directory.</summary>
    /// <value>The default is <c>agentmanager-schedule-plans</c>.</value>
    public string SchedulePlanDirectory { get; set; } = "agentmanager-schedule-plans";

    /// <summary>Gets or sets the largest page a list endpoint returns, whatever <c>limit</c> asks for.</summary>
    /// <value>The default is 500.</value>
    public int MaxPageSize { get; set; } = 500;
}
