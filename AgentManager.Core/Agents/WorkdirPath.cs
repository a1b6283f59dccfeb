namespace AgentManager.Agents;

/// <summary>The strict working-directory policy: turns a relative path from a profile or a task into a
/// directory under a root, with the same rules on every operating system.</summary>
/// <remarks>
/// <para>A path is refused when it is absolute in POSIX or Windows terms (<c>/x</c>, <c>\x</c>,
/// <c>C:\x</c>, <c>C:/x</c>), uses a drive letter (<c>C:x</c>) or any other <c>:</c> (NTFS streams), is a
/// UNC or device path (<c>\\server\share</c>, <c>//server/share</c>, <c>\\?\x</c>), starts with <c>~</c>,
/// has a <c>..</c> segment under either separator, has a segment ending in a dot or a space (Windows drops
/// them, so such names are ambiguous), or holds a control character.</para>
/// <para>Both <c>/</c> and <c>\</c> separate segments on every system; empty and <c>.</c> segments are
/// ignored, so <c>""</c> and <c>"."</c> name the root itself. Finally the path is resolved with symbolic
/// links (and junctions) followed, and it must still be the root or under it: a link inside the root that
/// points outside is refused. The check is made when called; the file system can change afterwards.</para>
/// </remarks>
public static class WorkdirPath
{
    private const int MaxLinkHops = 40;
    private static readonly char[] Separators = ['/', '\\'];

    /// <summary>Resolves <paramref name="relative"/> under <paramref name="root"/> if the policy allows it.</summary>
    /// <param name="root">The absolute directory the result must stay under; it need not exist.</param>
    /// <param name="relative">The relative path to check, with <c>/</c> or <c>\</c> separators.</param>
    /// <param name="fullPath">When allowed: <paramref name="root"/> (normalized) joined with the segments of
    /// <paramref name="relative"/> using this system's separator; symbolic links are not replaced in it.
    /// Otherwise an empty string.</param>
    /// <param name="error">When refused: a sentence naming the value and the rule it breaks; otherwise
    /// <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the path is allowed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="root"/> or <paramref name="relative"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="root"/> is not a fully qualified path.</exception>
    public static bool TryResolve(string root, string relative, out string fullPath, out string? error)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(relative);
        if (!Path.IsPathFullyQualified(root))
        {
            throw new ArgumentException($"The workdir root '{root}' must be a fully qualified path.", nameof(root));
        }

        fullPath = "";
        error = CheckRelative(relative);
        if (error is not null)
        {
            return false;
        }

        var normalizedRoot = NormalizeRoot(root);
        var candidate = Join(normalizedRoot, relative);
        try
        {
            var realRoot = RealPath(normalizedRoot);
            var realCandidate = RealPath(candidate);
            if (realRoot is null || realCandidate is null)
            {
                error = $"The workdir path '{relative}' is refused: resolving it under '{normalizedRoot}' met more than {MaxLinkHops} symbolic links (a link loop?).";
                return false;
            }

            if (!IsSameOrUnder(realCandidate, realRoot))
            {
                error = $"The workdir path '{relative}' is refused: it resolves to '{realCandidate}' through a symbolic link, outside the root '{realRoot}'.";
                return false;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            error = $"The workdir path '{relative}' is refused: its symbolic links under '{normalizedRoot}' could not be read ({exception.Message}).";
            return false;
        }

        fullPath = candidate;
        return true;
    }

    /// <summary>Checks the lexical rules only (no file system access).</summary>
    /// <returns>The error naming the value and the rule, or <see langword="null"/> when allowed.</returns>
    internal static string? CheckRelative(string relative)
    {
        foreach (var c in relative)
        {
            if (char.IsControl(c))
            {
                return Refused(relative, "control characters are not allowed");
            }
        }

        if (relative.StartsWith("\\\\", StringComparison.Ordinal) || relative.StartsWith("//", StringComparison.Ordinal)
            || relative.StartsWith("/\\", StringComparison.Ordinal) || relative.StartsWith("\\/", StringComparison.Ordinal))
        {
            return Refused(relative, "UNC and device paths (\\\\server\\share, //server/share, \\\\?\\x) are not allowed; give a path relative to the root");
        }

        if (relative.Length > 0 && relative[0] is '/' or '\\')
        {
            return Refused(relative, "absolute paths are not allowed; give a path relative to the root");
        }

        if (relative.Length >= 2 && char.IsAsciiLetter(relative[0]) && relative[1] == ':')
        {
            return Refused(relative, "drive letters (C:\\x, C:/x, C:x) are not allowed; give a path relative to the root");
        }

        if (relative.Contains(':', StringComparison.Ordinal))
        {
            return Refused(relative, "':' is not allowed (Windows reads it as a drive or an alternate data stream)");
        }

        if (relative.StartsWith('~'))
        {
            return Refused(relative, "a leading '~' (home directory) is not allowed; give a path relative to the root");
        }

        foreach (var segment in relative.Split(Separators))
        {
            if (segment == "..")
            {
                return Refused(relative, "'..' segments are not allowed under either separator, '/' or '\\'");
            }

            if (segment.Length > 0 && segment != "." && segment[^1] is '.' or ' ')
            {
                return Refused(relative, $"the segment '{segment}' ends with a dot or a space, which Windows drops");
            }
        }

        return null;
    }

    /// <summary>Tells whether <paramref name="path"/> is <paramref name="root"/> or under it. Both must be
    /// normalized, without a trailing separator (except a file system root).</summary>
    internal static bool IsSameOrUnder(string path, string root)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
            ? StringComparison.OrdinalIgnoreCase
            : StringComparison.Ordinal;
        if (string.Equals(path, root, comparison))
        {
            return true;
        }

        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, comparison);
    }

    internal static string NormalizeRoot(string root) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));

    private static string Join(string root, string relative)
    {
        var result = root;
        foreach (var segment in relative.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment != ".")
            {
                result = Path.Join(result, segment);
            }
        }

        return result;
    }

    /// <summary>Resolves every symbolic link of an absolute path, as POSIX <c>realpath</c> does; the parts
    /// that do not exist are kept as they are.</summary>
    /// <returns>The resolved path, or <see langword="null"/> after too many links.</returns>
    private static string? RealPath(string path)
    {
        var pathRoot = Path.GetPathRoot(path)!;
        var pending = new Stack<string>(Split(path[pathRoot.Length..]).Reverse());
        var resolved = new List<string>();
        var hops = 0;
        while (pending.Count > 0)
        {
            var segment = pending.Pop();
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var current = Path.Join([pathRoot, .. resolved, segment]);
            var target = new FileInfo(current).LinkTarget;
            if (target is null)
            {
                resolved.Add(segment);
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                return null;
            }

            if (Path.IsPathRooted(target))
            {
                if (!Path.IsPathFullyQualified(target))
                {
                    target = Path.GetFullPath(target);
                }

                pathRoot = Path.GetPathRoot(target)!;
                resolved.Clear();
                target = target[pathRoot.Length..];
            }

            foreach (var part in Split(target).Reverse())
            {
                pending.Push(part);
            }
        }

        return Path.TrimEndingDirectorySeparator(Path.Join([pathRoot, .. resolved]));
    }

    private static string[] Split(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);

    private static string Refused(string value, string rule) => $"The workdir path '{value}' is refused: {rule}.";
}
