using AgentManager.Samples.Web;

// The AgentManager HTTP API on the embedded default: state in agentmanager-data/agentmanager.db (SQLite),
// checkpoints and the schedules defined over HTTP beside it, the dashboard at /dashboard/. Demo agents stand in
// for the built-in profiles; a task whose attempts all fail is blocked for a human (the dashboard's inbox).
var builder = WebApplication.CreateBuilder(args);
var data = builder.Configuration["AgentManager:DataDirectory"] ?? "agentmanager-data";
var demo = DemoAgents.FromConfiguration(builder.Configuration);
var blockForHuman = builder.Configuration.GetValue("AgentManager:Demo:BlockForHuman", true);
var agentManager = builder.Services.AddAgentManager(o =>
    {
        o.WorkRoot = Path.Combine(data, "runs");
        o.Repair.BlockForHuman = blockForHuman;
    });

// With a connection string (ConnectionStrings:agentmanager, or ConnectionStrings__agentmanager in the environment),
// the state is in PostgreSQL, and several instances of this host share the workload: one finishes the plan runs of
// another that died.
if (builder.Configuration.GetConnectionString("agentmanager") is { Length: > 0 } postgres)
{
    agentManager.UsePostgres(postgres).AddPlanWorkflowTakeover();
}
else
{
    agentManager.UseSqliteStore(o => o.Path = Path.Combine(data, "agentmanager.db"));
}

// Every instance on one database may run schedules: each occurrence fires once, and a run whose instance died is taken over.
if (builder.Configuration.GetValue("AgentManager:Schedules", true))
{
    agentManager.AddSchedules();
}

agentManager
    .UseFileCheckpoints(o => o.RootDirectory = Path.Combine(data, "checkpoints"))
    .AddAgent("manager", demo)
    .AddAgent("supervisor", demo)
    .AddAgent("worker", demo)
    .AddHosting(o => o.SchedulePlanDirectory = Path.Combine(data, "schedules"));

var app = builder.Build();
app.MapGet("/", () => Results.Redirect("/dashboard/")).ExcludeFromDescription();
app.MapAgentManager();
app.Run();

/// <summary>The web sample's entry point, named for WebApplicationFactory in the tests.</summary>
public partial class Program;
