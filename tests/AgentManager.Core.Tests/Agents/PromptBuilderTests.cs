using System.Text.RegularExpressions;
using AgentManager.Agents;
using CsCheck;

namespace AgentManager.Tests.Agents;

public sealed class PromptBuilderTests
{
    private static readonly Regex NoticePattern = new(@"\n\n\[\.\.\. (\d+) characters omitted to fit the (\d+)-character budget\]$");

    private static ResolvedAgent Agent(string prompt = "Be the coder.", string[]? skillPrompts = null, string[]? mcpPrompts = null)
    {
        var skills = (skillPrompts ?? ["Plan first."]).Select((text, i) => new SkillTemplate { Name = $"skill-{i}", Prompt = text }).ToList();
        var servers = (mcpPrompts ?? ["Files."]).Select((text, i) => new McpServerTemplate { Name = $"mcp-{i}", Command = ["x"], Prompt = text }).ToList();
        var profile = new AgentProfile
        {
            AgentId = "coder",
            Name = "Coder",
            Prompt = prompt,
            Skills = skills.Select(skill => new TemplateReference(TemplateKind.Skill, skill.Name)).ToList(),
            McpServers = servers.Select(server => new TemplateReference(TemplateKind.Mcp, server.Name)).ToList(),
        };
        return new AgentCatalog([profile], skills, servers).Resolve("coder");
    }

    private static string Paragraphs(string prefix, int count, int length) =>
        string.Join("\n\n", Enumerable.Range(1, count).Select(i => $"{prefix}{i} ".PadRight(length, 'x')));

    [Fact]
    public void Build_AllSections_InOrderWithHeadings()
    {
        var result = new PromptBuilder().Build(Agent(), "Fix the bug.\r\n\r\nAdd a test.", "Use C#.", ["ctx one", " ", "ctx two"]);

        Assert.Equal(
            """
            # Agent: Coder

            Be the coder.

            # Instructions

            Use C#.

            # Skills

            ## skill-0

            Plan first.

            # MCP servers

            ## mcp-0

            Files.

            # Task

            Fix the bug.

            Add a test.

            # Context

            ctx one

            ctx two
            """.ReplaceLineEndings("\n"),
            result.Text);
        Assert.False(result.Truncated);
        Assert.Equal(0, result.OmittedChars);
    }

    [Fact]
    public void Build_EmptyParts_SectionsLeftOut()
    {
        var agent = Agent(prompt: "", skillPrompts: [], mcpPrompts: []);

        var result = new PromptBuilder().Build(agent, "  ");

        Assert.Equal("# Task\n\n(The task has no description.)", result.Text);
    }

    [Fact]
    public void Build_TemplateWithoutPrompt_UsesDescription()
    {
        var server = new McpServerTemplate { Name = "docs", Url = new Uri("https://docs.example"), Description = "Search the docs." };
        var profile = new AgentProfile { AgentId = "a", Description = "An agent.", McpServers = [new TemplateReference(TemplateKind.Mcp, "docs")] };
        var agent = new AgentCatalog([profile], [], [server]).Resolve("a");

        var text = new PromptBuilder().Build(agent, "t").Text;

        Assert.StartsWith("# Agent: a\n\nAn agent.\n\n# MCP servers\n\n## docs\n\nSearch the docs.\n\n# Task", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_OverBudget_CutsContextAtParagraphBoundaryWithNotice()
    {
        var context = Paragraphs("context ", 40, 100);
        var full = new PromptBuilder(int.MaxValue).Build(Agent(), "Do it.", context: [context]).Text;

        var result = new PromptBuilder(2000).Build(Agent(), "Do it.", context: [context]);

        Assert.True(result.Truncated);
        Assert.True(result.Text.Length <= 2000, $"{result.Text.Length} characters");
        var notice = NoticePattern.Match(result.Text);
        Assert.True(notice.Success, result.Text);
        Assert.Equal(result.OmittedChars.ToString(System.Globalization.CultureInfo.InvariantCulture), notice.Groups[1].Value);
        Assert.Equal("2000", notice.Groups[2].Value);
        var kept = result.Text[..notice.Index];
        Assert.Equal(full.Length - kept.Length, result.OmittedChars);
        Assert.StartsWith(kept + "\n\n", full, StringComparison.Ordinal);
        Assert.Contains("# Skills", kept, StringComparison.Ordinal);
        Assert.Matches(@"context \d+ x+$", kept);
        Assert.True(result.Text.Length > 2000 - 102 - 2, $"more than one paragraph too many was cut: {result.Text.Length} characters");
    }

    [Fact]
    public void Build_ContextTooLarge_RemovedWithHeadingBeforeSkillsAreCut()
    {
        var result = new PromptBuilder(600).Build(Agent(skillPrompts: ["Short skill."]), "Do it.", context: [new string('c', 5000)]);

        Assert.True(result.Truncated);
        Assert.DoesNotContain("# Context", result.Text, StringComparison.Ordinal);
        Assert.Contains("Short skill.", result.Text, StringComparison.Ordinal);
        Assert.Contains("# Task\n\nDo it.\n\n[... ", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_CutOrder_ContextThenMcpThenSkillsThenProfileThenInstructions()
    {
        var agent = Agent(prompt: Paragraphs("profile ", 3, 100), skillPrompts: [Paragraphs("skill ", 3, 100)], mcpPrompts: [Paragraphs("mcp ", 3, 100)]);
        var context = Paragraphs("context ", 3, 100);
        var instructions = Paragraphs("instructions ", 3, 100);
        var builder = new PromptBuilder(int.MaxValue);
        var full = builder.Build(agent, "The task.", instructions, [context]).Text;

        string[] order = ["context 3", "context 1", "mcp 3", "mcp 1", "skill 3", "skill 1", "profile 3", "profile 1", "instructions 3", "instructions 1"];
        var previous = full.Length;
        for (var budget = full.Length - 50; budget >= 300; budget -= 50)
        {
            var text = new PromptBuilder(budget).Build(agent, "The task.", instructions, [context]).Text;
            Assert.True(text.Length <= budget);
            Assert.Contains("# Task\n\nThe task.", text, StringComparison.Ordinal);
            var lastGone = order.TakeWhile(marker => !text.Contains(marker, StringComparison.Ordinal)).Count();
            Assert.All(order.Skip(lastGone), marker => Assert.Contains(marker, text, StringComparison.Ordinal));
            Assert.True(text.Length <= previous);
            previous = text.Length;
        }
    }

    [Fact]
    public void Build_SkillBodyCut_NoDanglingSubheading()
    {
        var agent = Agent(prompt: "", skillPrompts: ["First skill.", new string('s', 400)], mcpPrompts: []);

        var text = new PromptBuilder(250).Build(agent, "Task.").Text;

        Assert.Contains("## skill-0\n\nFirst skill.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("skill-1", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EverythingHuge_TaskKeptAndOthersRemoved()
    {
        var big = Paragraphs("p", 50, 200);
        var agent = Agent(prompt: big, skillPrompts: [big], mcpPrompts: [big]);

        var result = new PromptBuilder(1000).Build(agent, "Task first paragraph.\n\n" + big, big, [big]);

        Assert.True(result.Text.Length <= 1000);
        Assert.StartsWith("# Task\n\nTask first paragraph.", result.Text, StringComparison.Ordinal);
        Assert.Matches(NoticePattern, result.Text);
    }

    [Fact]
    public void Build_SingleTaskParagraphOverBudget_CutInsideAtASpace()
    {
        var task = string.Join(' ', Enumerable.Repeat("word", 200));

        var result = new PromptBuilder(300).Build(Agent(), task);

        Assert.True(result.Text.Length <= 300, $"{result.Text.Length}");
        var kept = result.Text[..NoticePattern.Match(result.Text).Index];
        Assert.Matches(@"^# Task\n\n(word )*word$", kept);
        Assert.True(kept.Length > 150);
    }

    [Fact]
    public void Build_RandomInputs_WithinBudgetTaskKeptOmittedCountExact()
    {
        string[] pieces = ["alpha", "b", "\n", "\n\n", " ", "\r\n", "ccccccccccccccccccc"];
        var text = Gen.Int[0, pieces.Length - 1].Select(i => pieces[i]).Array[0, 60].Select(parts => string.Concat(parts));
        Gen.Select(Gen.Int[PromptBuilder.MinMaxChars, 1500], text, text, text, text.Array[0, 4]).Sample((budget, profile, task, instructions, context) =>
        {
            var agent = Agent(prompt: profile, skillPrompts: [instructions], mcpPrompts: [profile]);
            var full = new PromptBuilder(int.MaxValue).Build(agent, task, instructions, context).Text;

            var result = new PromptBuilder(budget).Build(agent, task, instructions, context);

            Assert.True(result.Text.Length <= budget);
            Assert.Contains("# Task\n\n", result.Text, StringComparison.Ordinal);
            if (full.Length <= budget)
            {
                Assert.False(result.Truncated);
                Assert.Equal(full, result.Text);
            }
            else
            {
                var notice = NoticePattern.Match(result.Text);
                Assert.True(result.Truncated);
                Assert.True(notice.Success);
                Assert.Equal(full.Length - notice.Index, result.OmittedChars);
            }
        });
    }

    [Fact]
    public void Constructor_BudgetBelowMinimum_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PromptBuilder(PromptBuilder.MinMaxChars - 1));

    [Fact]
    public void Build_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new PromptBuilder().Build(null!, "t"));
        Assert.Throws<ArgumentNullException>(() => new PromptBuilder().Build(Agent(), null!));
    }
}
