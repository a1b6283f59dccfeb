using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace AgentManager.Execution;

/// <summary>Runs a program without a shell, feeds its standard input, keeps the tail of its output, and
/// kills its whole process tree when canceled. Shared by the process runner and the command verifier.</summary>
internal static class ChildProcess
{
    private const int ReadChunkChars = 4096;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Runs the process to its exit.</summary>
    /// <returns>The exit code and output tails, or the reason the process could not start.</returns>
    /// <exception cref="OperationCanceledException">The token was canceled; the process tree has been
    /// killed and has exited.</exception>
    public static async Task<ChildProcessOutcome> RunAsync(ChildProcessSpec spec, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var process = new Process { StartInfo = CreateStartInfo(spec) };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return ChildProcessOutcome.NotStarted(ex.Message);
        }

        var standardOutput = new TailBuffer(spec.MaxOutputChars);
        var standardError = new TailBuffer(spec.MaxOutputChars);
        var pumps = Task.WhenAll(
            PumpAsync(process.StandardOutput, standardOutput),
            PumpAsync(process.StandardError, standardError),
            FeedAsync(process.StandardInput, spec.StandardInput));
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);

            // A descendant that outlives the process may hold the pipes open; the token still bounds the wait.
            await pumps.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await KillTreeAsync(process).ConfigureAwait(false);
            throw;
        }

        return ChildProcessOutcome.Exited(process.ExitCode, standardOutput.ToString(), standardError.ToString());
    }

    /// <summary>A relative path with a directory part (<c>./check.sh</c>, <c>bin/tool</c>) names a program
    /// in the working directory, as it would in a terminal opened there; a bare name is looked up on PATH.</summary>
    private static string ResolveProgram(string program, string? workingDirectory) =>
        workingDirectory is not null && !Path.IsPathRooted(program) && program.AsSpan().IndexOfAny('/', '\\') >= 0
            ? Path.GetFullPath(Path.Combine(workingDirectory, program))
            : program;

    private static ProcessStartInfo CreateStartInfo(ChildProcessSpec spec)
    {
        var startInfo = new ProcessStartInfo
        {
            FileName = ResolveProgram(spec.Arguments[0], spec.WorkingDirectory),
            WorkingDirectory = spec.WorkingDirectory,
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
        };
        for (var i = 1; i < spec.Arguments.Count; i++)
        {
            startInfo.ArgumentList.Add(spec.Arguments[i]);
        }

        foreach (var (name, value) in spec.Environment)
        {
            startInfo.Environment[name] = value;
        }

        return startInfo;
    }

    private static async Task PumpAsync(StreamReader reader, TailBuffer sink)
    {
        using (reader)
        {
            var chunk = new char[ReadChunkChars];
            int read;
            while ((read = await reader.ReadAsync(chunk.AsMemory()).ConfigureAwait(false)) > 0)
            {
                sink.Append(chunk.AsSpan(0, read));
            }
        }
    }

    private static async Task FeedAsync(StreamWriter writer, string? text)
    {
        try
        {
            if (!string.IsNullOrEmpty(text))
            {
                await writer.WriteAsync(text).ConfigureAwait(false);
                await writer.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The process closed its standard input or exited without reading it all; that is its choice.
        }
        finally
        {
            try
            {
                writer.Dispose();
            }
            catch (IOException)
            {
                // Closing flushes what a failed write left behind, which fails the same way.
            }
        }
    }

    private static async Task KillTreeAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // The process already exited.
        }
        catch (AggregateException)
        {
            // A descendant could not be killed (it changed user, say); the process itself was, so the caller
            // still learns of the cancellation rather than of this.
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
