using System.Text.RegularExpressions;

namespace GridActors.Tests.Docs;

/// <summary>
/// Every relative link of every Markdown file of the repository names a file or folder inside it: a clone is all a
/// reader has, so a link to notes kept beside the repository is a dead link for everyone else.
/// </summary>
public sealed partial class DocumentLinkTests
{
    private static readonly string[] Skipped = ["bin", "obj", ".git", "node_modules", "TestResults"];

    [Fact]
    public void EveryRelativeLink_InEveryMarkdownFile_NamesAFileInsideTheRepository()
    {
        var root = RepositoryRoot();
        var documents = Markdown(root).ToList();
        Assert.Contains(documents, d => Path.GetFileName(d) == "README.md" && Path.GetDirectoryName(d) == root);

        var broken = new List<string>();
        foreach (var document in documents)
        {
            foreach (var target in Links(File.ReadAllText(document)))
            {
                var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, Uri.UnescapeDataString(target)));
                var inside = IsInside(root, path);
                if (!inside || (!File.Exists(path) && !Directory.Exists(path)))
                {
                    broken.Add($"{Path.GetRelativePath(root, document)}: {target} ({(inside ? "not found" : "outside the repository")})");
                }
            }
        }
        Assert.True(broken.Count == 0, "links to nothing in the repository:\n  " + string.Join("\n  ", broken));
    }

    [Fact]
    public void NoMarkdownFile_NamesANoteOrPathOutsideTheRepository()
    {
        var root = RepositoryRoot();
        var documents = Markdown(root).ToList();
        var names = documents.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var outside = new List<string>();
        foreach (var document in documents)
        {
            var text = File.ReadAllText(document);
            // A note named as text ("see DESIGN.md") sends the reader looking for it as surely as a link does.
            outside.AddRange(MarkdownName().Matches(text).Select(m => m.Value).Where(n => !names.Contains(n)).Distinct()
                .Select(n => $"{Path.GetRelativePath(root, document)}: {n} (no such Markdown file in the repository)"));
            // A relative path written as text that climbs out of the repository names what a clone does not have.
            outside.AddRange(ClimbingPath().Matches(text).Select(m => m.Value)
                .Where(p => !IsInside(root, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, p))))
                .Select(p => $"{Path.GetRelativePath(root, document)}: {p} (a path outside the repository)"));
        }
        Assert.True(outside.Count == 0, "documents name what a clone does not have:\n  " + string.Join("\n  ", outside));
    }

    [Fact]
    public void TheLinkReader_FindsInlineAndReferenceLinks_AndLeavesAddressesAndAnchorsAlone()
    {
        var text = """
            See [the design](../notes/DESIGN.md#load) and ![a map](img/map.png "title"), [web](https://example.org/a.md),
            [mail](mailto:a@example.org), [here](#top), `[code](not/a/link.md)`.

            [ref]: docs/open311.md
            """;
        Assert.Equal(new[] { "../notes/DESIGN.md", "img/map.png", "docs/open311.md" }, Links(text));
    }

    /// <summary>The relative targets of inline links, images and reference definitions, without their #anchor; code spans are not links.</summary>
    internal static List<string> Links(string markdown)
    {
        var text = CodeSpan().Replace(CodeBlock().Replace(markdown, ""), "");
        return InlineLink().Matches(text).Select(m => m.Groups["target"].Value)
            .Concat(ReferenceLink().Matches(text).Select(m => m.Groups["target"].Value))
            .Select(t => t.Trim('<', '>').Split('#', 2)[0].Split('?', 2)[0])
            .Where(t => t.Length > 0 && !SchemePrefix().IsMatch(t))
            .ToList();
    }

    private static bool IsInside(string root, string path) =>
        path == root || path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static IEnumerable<string> Markdown(string root)
    {
        foreach (var file in Directory.EnumerateFiles(root, "*.md"))
        {
            yield return file;
        }
        foreach (var folder in Directory.EnumerateDirectories(root).Where(d => !Skipped.Contains(Path.GetFileName(d))))
        {
            foreach (var file in Markdown(folder))
            {
                yield return file;
            }
        }
    }

    /// <summary>The folder holding GridActors.sln above the test binaries.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GridActors.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no GridActors.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"!?\[[^\]]*\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s*(?<target>\S+)", RegexOptions.Multiline)]
    private static partial Regex ReferenceLink();

    [GeneratedRegex(@"[A-Za-z0-9_.-]+\.md\b")]
    private static partial Regex MarkdownName();

    [GeneratedRegex(@"(?<![\w./])(\.\./)+[\w.-]+")]
    private static partial Regex ClimbingPath();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex SchemePrefix();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
