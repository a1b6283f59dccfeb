using System.Text.RegularExpressions;

namespace AgentManager.Tests.Docs;

/// <summary>Every relative link of the Markdown pages (README files, docs/, CHANGELOG) names a file or
/// folder of the repository, and a <c>#section</c> names a heading of the page it points to.</summary>
public sealed partial class DocLinksTests
{
    public static TheoryData<string> Pages()
    {
        var root = RepositoryFiles.PathOf("");
        var pages = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(root, "*.md", SearchOption.AllDirectories)
                     .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
                     .Where(p => !p.Split('/').Any(IsGenerated))
                     .Order(StringComparer.Ordinal))
        {
            pages.Add(path);
        }

        return pages;
    }

    /// <summary>Folders the build, the tests, the benchmarks and the sample write (all in .gitignore): their pages are
    /// output, not documentation, and a second run on the same tree would otherwise check more pages than the first.</summary>
    private static bool IsGenerated(string segment) =>
        segment is "bin" or "obj" or "node_modules" or "artifacts" or "TestResults" or "BenchmarkDotNet.Artifacts" or "agentmanager-runs" or "agentmanager-data"
        || segment.StartsWith('.');

    [Theory]
    [MemberData(nameof(Pages))]
    public void Page_RelativeLinks_PointAtExistingFilesAndHeadings(string page)
    {
        var path = RepositoryFiles.PathOf(page);
        var broken = new List<string>();
        foreach (Match link in Link().Matches(WithoutCode(File.ReadAllText(path))))
        {
            var target = link.Groups["target"].Value;
            var anchor = link.Groups["anchor"].Value;
            if (target.Contains(':', StringComparison.Ordinal))
            {
                continue; // https:, mailto: and the like
            }

            var targetPath = target.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, target));
            if (!File.Exists(targetPath) && !Directory.Exists(targetPath))
            {
                broken.Add($"{target}: no such file");
            }
            else if (anchor.Length > 0 && targetPath.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(targetPath)).Contains(anchor))
            {
                broken.Add($"{target}#{anchor}: no such heading");
            }
        }

        Assert.True(broken.Count == 0, $"{page} has broken links: {string.Join("; ", broken)}");
    }

    /// <summary>The anchors of a page's headings as GitHub makes them: lower case, spaces to hyphens,
    /// punctuation other than hyphens and underscores dropped.</summary>
    private static HashSet<string> Anchors(string markdown) =>
        [.. Heading().Matches(Fence().Replace(markdown, "")).Select(m =>
            string.Concat(m.Groups["text"].Value.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ')).Replace(' ', '-'))];

    private static string WithoutCode(string markdown) => InlineCode().Replace(Fence().Replace(markdown, ""), "");

    [GeneratedRegex(@"\]\((?<target>[^)#\s]*)(?:#(?<anchor>[^)\s]*))?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} (?<text>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();
}
