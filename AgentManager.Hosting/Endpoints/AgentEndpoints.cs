using AgentManager.Agents;
using AgentManager.Hosting.Contracts;
using AgentManager.Hosting.Http;
using AgentManager.Hosting.Mapping;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AgentManager.Hosting.Endpoints;

/// <summary><c>/agents</c> and <c>/templates</c>: the agent catalog, read-only.</summary>
internal static class AgentEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        var agents = group.MapGroup("/agents").WithTags("Agents");
        agents.MapGet("", ListAgents).WithSummary("Lists the agent profiles of the catalog, a page at a time.").Produces<PageView<AgentSummaryView>>().Problems(422);
        agents.MapGet("/{id}", GetAgent).WithSummary("Reads an agent profile with its skill and MCP server templates resolved.").Produces<AgentView>().Problems(404, 422);
        var templates = group.MapGroup("/templates").WithTags("Agents");
        templates.MapGet("", (AgentCatalog catalog) => ApiResults.Ok(
                new TemplatesView(catalog.Skills.Select(s => AgentViews.Skill(s, withPrompt: false)).ToArray(), catalog.McpServers.Select(m => AgentViews.McpServer(m, withPrompt: false)).ToArray()),
                ApiJson.Context.TemplatesView))
            .WithSummary("Lists the skill and MCP server templates.").Produces<TemplatesView>();
        templates.MapGet("/skills/{name}", GetSkill).WithSummary("Reads a skill template with its prompt.").Produces<SkillView>().Problems(404, 422);
        templates.MapGet("/mcp/{name}", GetMcpServer).WithSummary("Reads an MCP server template with its prompt.").Produces<McpServerView>().Problems(404, 422);
    }

    private static IResult ListAgents(HttpContext context, [FromServices] AgentCatalog catalog, [FromServices] IOptions<AgentManagerApiOptions> options)
    {
        var (limit, offset) = QueryValues.Page(context.Request, options.Value.MaxPageSize);
        var page = catalog.Profiles.Skip(offset).Take(limit).Select(AgentViews.Summary).ToArray();
        return ApiResults.Ok(new PageView<AgentSummaryView>(page, catalog.Profiles.Count, limit, offset), ApiJson.Context.PageViewAgentSummaryView);
    }

    private static IResult GetAgent(string id, [FromServices] AgentCatalog catalog)
    {
        var agentId = ApiIds.Require(id, "agent id");
        return catalog.TryGetProfile(agentId, out _)
            ? ApiResults.Ok(AgentViews.Agent(catalog.Resolve(agentId)), ApiJson.Context.AgentView)
            : throw NotFound($"Agent '{agentId}' does not exist; the agents are {Names(catalog.Profiles.Select(p => p.AgentId))}.");
    }

    private static IResult GetSkill(string name, [FromServices] AgentCatalog catalog) =>
        catalog.Skills.FirstOrDefault(s => s.Name == name) is { } skill
            ? ApiResults.Ok(AgentViews.Skill(skill, withPrompt: true), ApiJson.Context.SkillView)
            : throw NotFound($"Skill template '{name}' does not exist; the skills are {Names(catalog.Skills.Select(s => s.Name))}.");

    private static IResult GetMcpServer(string name, [FromServices] AgentCatalog catalog) =>
        catalog.McpServers.FirstOrDefault(m => m.Name == name) is { } server
            ? ApiResults.Ok(AgentViews.McpServer(server, withPrompt: true), ApiJson.Context.McpServerView)
            : throw NotFound($"MCP server template '{name}' does not exist; the MCP servers are {Names(catalog.McpServers.Select(m => m.Name))}.");

    private static ApiException NotFound(string detail) => new(StatusCodes.Status404NotFound, detail);

    private static string Names(IEnumerable<string> names)
    {
        var list = names.Select(n => $"'{n}'").ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }
}
