using AgentManager.Samples.Web;

// The AgentManager HTTP API on the embedded default: state in agentmanager-data/agentmanager.db (SQLite),
// checkpoints and the schedules defined over HTTP beside it, the dashboard at /dashboard/. Demo agents stand in
// for the built-in profiles; a task whose attempts all fail is blocked for a human (the dashboard's inbox).
var builder = WebApplication.CreateBuilder(args);
var data = builder.Configuration["AgentManager:DataDirectory"] ?? "agentmanager-data";
var demo = DemoAgents.FromConfiguration(builder.Configuration);
var blockForHuman = builder.Configuration.GetValue("AgentManager:Demo:BlockForHuman", true);
builder.Services.AddAgentManager(o =>
    {
        o.WorkRoot = Path.Combine(data, "runs");
        o.Repair.BlockForHuman = blockForHuman;
    })
    .UseSqliteStore(o => o.Path = Path.Combine(data, "agentmanager.db"))
    .UseFileCheckpoints(o => o.RootDirectory = Path.Combine(data, "checkpoints"))
    .AddSchedules()
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
