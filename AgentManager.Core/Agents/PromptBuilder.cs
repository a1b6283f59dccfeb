using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentManager.Agents;

/// <summary>Builds an agent's prompt from its resolved profile, the caller's instructions, the task and
/// relevant context, within a budget of characters. Immutable and safe to share between threads.</summary>
/// <remarks>
/// <para>The prompt is Markdown with these sections, in this order, each left out when empty:
/// <c># Agent: name</c> (the profile's prompt, or its description when the prompt is empty),
/// <c># Instructions</c>, <c># Skills</c> (a <c>## name</c> part per skill), <c># MCP servers</c> (a
/// <c>## name</c> part per server, with its prompt or description), <c># Task</c> and <c># Context</c> (the
/// context items, most relevant first). Line breaks are normalized to <c>\n</c>.</para>
/// <para>When the prompt is longer than <see cref="MaxChars"/>, whole paragraphs (text between blank lines)
/// are removed from the end of one section at a time, in this order of priority, until it fits: context
/// first, then MCP servers, skills, the profile's prompt, the instructions and, last, the task. A section
/// whose paragraphs are all removed disappears with its heading, but the task keeps at least its first
/// paragraph; only when that paragraph alone is over budget is it cut inside (at a space when one is near).
/// A truncated prompt ends with a line <c>[... N characters omitted to fit the M-character budget]</c> and
/// the whole text, that line included, stays within the budget.</para>
/// </remarks>
public sealed partial class PromptBuilder
{
    /// <summary>The default budget, in characters.</summary>
    public const int DefaultMaxChars = 16000;

    /// <summary>The smallest budget accepted, in characters.</summary>
    public const int MinMaxChars = 200;

    private const string Separator = "\n\n";

    /// <summary>Creates a builder with a budget.</summary>
    /// <param name="maxChars">The longest prompt, in characters; at least <see cref="MinMaxChars"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxChars"/> is less than
    /// <see cref="MinMaxChars"/>.</exception>
    public PromptBuilder(int maxChars = DefaultMaxChars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, MinMaxChars);
        MaxChars = maxChars;
    }

    /// <summary>Gets the budget, in characters.</summary>
    public int MaxChars { get; }

    /// <summary>Builds the prompt.</summary>
    /// <param name="agent">The agent, with its skills and MCP servers.</param>
    /// <param name="taskPrompt">What the task asks for; when blank the task section says the task has no
    /// description.</param>
    /// <param name="instructions">Instructions from the caller for this run, or <see langword="null"/>.</param>
    /// <param name="context">Relevant context, most relevant first (it is cut from the end); null and blank
    /// items are skipped.</param>
    /// <returns>The prompt.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="agent"/> or <paramref name="taskPrompt"/> is
    /// null.</exception>
    public PromptResult Build(ResolvedAgent agent, string taskPrompt, string? instructions = null, IEnumerable<string>? context = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(taskPrompt);
        var profile = agent.Profile;

        var profileSection = new Section("# Agent: " + OneLine(profile.Name), CutRank.Profile);
        profileSection.AddText(string.IsNullOrWhiteSpace(profile.Prompt) ? profile.Description : profile.Prompt);

        var instructionsSection = new Section("# Instructions", CutRank.Instructions);
        instructionsSection.AddText(instructions);

        var skillsSection = new Section("# Skills", CutRank.Skills);
        foreach (var skill in agent.Skills)
        {
            skillsSection.AddHeading("## " + skill.Name);
            skillsSection.AddText(string.IsNullOrWhiteSpace(skill.Prompt) ? skill.Description : skill.Prompt);
        }

        var mcpSection = new Section("# MCP servers", CutRank.McpServers);
        foreach (var server in agent.McpServers)
        {
            mcpSection.AddHeading("## " + server.Name);
            mcpSection.AddText(string.IsNullOrWhiteSpace(server.Prompt) ? server.Description : server.Prompt);
        }

        var taskSection = new Section("# Task", CutRank.Task);
        taskSection.AddText(string.IsNullOrWhiteSpace(taskPrompt) ? "(The task has no description.)" : taskPrompt);

        var contextSection = new Section("# Context", CutRank.Context);
        foreach (var item in context ?? [])
        {
            contextSection.AddText(item);
        }

        var sections = new List<Section> { profileSection, instructionsSection, skillsSection, mcpSection, taskSection, contextSection };
        sections.RemoveAll(section => section.IsEmpty);
        var fullLength = TotalLength(sections);
        if (fullLength <= MaxChars)
        {
            return new PromptResult(Render(sections), truncated: false, omittedChars: 0);
        }

        // Reserve room for the notice, counting the omitted characters with as many digits as the full length.
        var budget = MaxChars - Separator.Length - Notice(fullLength).Length;
        var length = fullLength;
        foreach (var section in sections.OrderBy(section => section.Rank).ToList())
        {
            var keep = section.Rank == CutRank.Task ? 1 : 0;
            while (length > budget && section.Blocks.Count > keep)
            {
                length -= section.RemoveLast();
                if (section.IsEmpty)
                {
                    length -= section.Heading.Length + Separator.Length;
                    sections.Remove(section);
                }
            }
        }

        if (length > budget)
        {
            length -= taskSection.Shorten(length - budget);
        }

        var text = Render(sections);
        var omitted = fullLength - text.Length;
        return new PromptResult(text + Separator + Notice(omitted), truncated: true, omittedChars: omitted);
    }

    private string Notice(int omitted) =>
        string.Create(CultureInfo.InvariantCulture, $"[... {omitted} characters omitted to fit the {MaxChars}-character budget]");

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    private static int TotalLength(List<Section> sections) =>
        sections.Sum(section => section.Length) + (Separator.Length * Math.Max(0, sections.Count - 1));

    private static string Render(List<Section> sections)
    {
        var builder = new StringBuilder();
        foreach (var section in sections)
        {
            if (builder.Length > 0)
            {
                builder.Append(Separator);
            }

            builder.Append(section.Heading);
            foreach (var block in section.Blocks)
            {
                builder.Append(Separator).Append(block.Text);
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"\n(?:[ \t]*\n)+")]
    private static partial Regex BlankLines();

    /// <summary>The order in which sections are cut: lowest first.</summary>
    private enum CutRank
    {
        Context,
        McpServers,
        Skills,
        Profile,
        Instructions,
        Task,
    }

    private readonly record struct Block(string Text, bool IsHeading);

    /// <summary>A heading and its blocks (paragraphs and sub-headings); rendered as the heading, then each
    /// block after a blank line.</summary>
    private sealed class Section(string heading, CutRank rank)
    {
        public string Heading { get; } = heading;

        public CutRank Rank { get; } = rank;

        public List<Block> Blocks { get; } = [];

        public bool IsEmpty => Blocks.Count == 0;

        public int Length => Heading.Length + Blocks.Sum(block => Separator.Length + block.Text.Length);

        public void AddHeading(string text) => Blocks.Add(new Block(OneLine(text), IsHeading: true));

        public void AddText(string? text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return;
            }

            foreach (var paragraph in BlankLines().Split(text.ReplaceLineEndings("\n")))
            {
                // Drop blank lines before the paragraph but keep the indentation of its first line.
                var trimmed = paragraph.TrimEnd();
                var start = 0;
                for (var end = trimmed.IndexOf('\n', StringComparison.Ordinal); end >= 0 && string.IsNullOrWhiteSpace(trimmed[start..end]); end = trimmed.IndexOf('\n', start))
                {
                    start = end + 1;
                }

                trimmed = trimmed[start..];
                if (trimmed.Trim().Length > 0)
                {
                    Blocks.Add(new Block(trimmed, IsHeading: false));
                }
            }
        }

        /// <summary>Removes the last block, and the sub-headings it leaves at the end.</summary>
        /// <returns>The characters removed.</returns>
        public int RemoveLast()
        {
            var removed = 0;
            do
            {
                removed += Separator.Length + Blocks[^1].Text.Length;
                Blocks.RemoveAt(Blocks.Count - 1);
            }
            while (Blocks.Count > 0 && Blocks[^1].IsHeading);

            return removed;
        }

        /// <summary>Shortens the last block by at least <paramref name="excess"/> characters, at a space in the
        /// second half of what is kept when there is one.</summary>
        /// <returns>The characters removed.</returns>
        public int Shorten(int excess)
        {
            var text = Blocks[^1].Text;
            var keep = Math.Max(1, text.Length - excess);
            if (keep > 1 && char.IsHighSurrogate(text[keep - 1]))
            {
                keep--;
            }

            var space = text.LastIndexOfAny([' ', '\n', '\t'], keep - 1);
            if (space >= keep / 2)
            {
                keep = space;
            }

            Blocks[^1] = Blocks[^1] with { Text = text[..keep].TrimEnd() };
            return text.Length - Blocks[^1].Text.Length;
        }
    }
}
