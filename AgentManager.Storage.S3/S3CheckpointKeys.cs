using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AgentManager.Persistence.Checkpoints;

namespace AgentManager.Storage.S3;

/// <summary>The object keys of the S3 checkpoint store.</summary>
/// <remarks>
/// <para>Layout under the prefix: <c>&lt;workflow&gt;/&lt;task&gt;/attempt-&lt;n&gt;/manifest.json</c>, and the
/// content of one save under <c>&lt;workflow&gt;/&lt;task&gt;/attempt-&lt;n&gt;/&lt;save id&gt;/</c> as
/// <c>agent-output.txt</c>, <c>verification-output.txt</c>, <c>artifact-001.&lt;ext&gt;</c>…, where the save id
/// is 32 random hex digits, so two saves racing for one attempt never overwrite each other's content. An entry's
/// <see cref="CheckpointEntry.Key"/> is its object key relative to the prefix.</para>
/// <para>An id made only of <c>A-Z a-z 0-9 _ -</c> (at most 64 characters) is its own segment; any other
/// (<c>.</c>, <c>:</c>, long) becomes a readable prefix, <c>~</c> and 16 hex digits of its SHA-256, so no
/// segment is <c>.</c> or <c>..</c> (which HTTP clients would collapse) and a key stays far below S3's 1024 bytes.</para>
/// </remarks>
internal sealed class S3CheckpointKeys
{
    public const string AttemptPrefix = "attempt-";
    private const int MaxPlainSegment = 64;

    private readonly string _prefix;

    public S3CheckpointKeys(string keyPrefix)
    {
        _prefix = keyPrefix.Length == 0 ? "" : keyPrefix + "/";
    }

    /// <summary>Gets the key of a workflow's folder, ending with <c>/</c>.</summary>
    public string Workflow(string workflowId) => _prefix + Segment(workflowId) + "/";

    /// <summary>Gets the key of a task's folder, ending with <c>/</c>.</summary>
    public string Task(string workflowId, string taskId) => Workflow(workflowId) + Segment(taskId) + "/";

    /// <summary>Gets the attempt's folder relative to the prefix, without a trailing <c>/</c>.</summary>
    public static string RelativeAttempt(string workflowId, string taskId, int attempt) =>
        Segment(workflowId) + "/" + Segment(taskId) + "/" + AttemptName(attempt);

    /// <summary>Gets the full key of an attempt's manifest.</summary>
    public string Manifest(string workflowId, string taskId, int attempt) =>
        Full(RelativeAttempt(workflowId, taskId, attempt) + "/" + CheckpointManifest.FileName);

    /// <summary>Gets the full key of a key relative to the prefix.</summary>
    public string Full(string relativeKey) => _prefix + relativeKey;

    /// <summary>Tells whether a full key is the manifest of some attempt of the workflow whose folder is
    /// <paramref name="workflowKey"/>: <c>&lt;workflowKey&gt;&lt;task&gt;/attempt-&lt;n&gt;/manifest.json</c>.</summary>
    public static bool IsManifest(string key, string workflowKey, out string taskSegment, out int attempt)
    {
        taskSegment = "";
        attempt = 0;
        if (!key.StartsWith(workflowKey, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = key[workflowKey.Length..].Split('/');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[2] != CheckpointManifest.FileName || !TryParseAttempt(parts[1], out attempt))
        {
            return false;
        }

        taskSegment = parts[0];
        return true;
    }

    /// <summary>Reads the attempt number of a folder name <c>attempt-&lt;n&gt;</c> written by this store.</summary>
    public static bool TryParseAttempt(string name, out int attempt)
    {
        attempt = 0;
        return name.StartsWith(AttemptPrefix, StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(AttemptPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out attempt)
            && attempt >= 1
            && name == AttemptName(attempt);
    }

    /// <summary>Tells whether <paramref name="key"/> (relative to the prefix) is a content key of the given
    /// attempt: <c>&lt;attempt folder&gt;/&lt;32 hex digits&gt;/&lt;file name&gt;</c>.</summary>
    public static bool IsContentKeyOf(string key, string relativeAttempt)
    {
        if (!key.StartsWith(relativeAttempt + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = key[(relativeAttempt.Length + 1)..].Split('/');
        return parts.Length == 2
            && parts[0].Length == 32 && parts[0].All(char.IsAsciiHexDigitLower)
            && parts[1].Length > 0 && parts[1].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')
            && parts[1][0] != '.';
    }

    /// <summary>Gets the key segment of an id (see the remarks of <see cref="S3CheckpointKeys"/>).</summary>
    public static string Segment(string id)
    {
        if (id.Length <= MaxPlainSegment && id.All(IsPlain))
        {
            return id;
        }

        var name = new StringBuilder(MaxPlainSegment + 1);
        foreach (var c in id.AsSpan(0, Math.Min(id.Length, 47)))
        {
            name.Append(IsPlain(c) ? c : '_');
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
        return name.Append('~').Append(hash.AsSpan(0, 16)).ToString();
    }

    private static string AttemptName(int attempt) => AttemptPrefix + attempt.ToString(CultureInfo.InvariantCulture);

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
