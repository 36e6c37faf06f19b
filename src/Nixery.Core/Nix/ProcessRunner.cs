using System.Diagnostics;
using System.Text;

namespace Nixery.Core.Nix;

/// <summary>Runs a program without a shell, reading both output streams concurrently, bounded by a timeout.</summary>
internal static class ProcessRunner
{
    /// <summary>Runs <paramref name="fileName"/> to completion.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The program could not be started.</exception>
    /// <exception cref="ProcessTimeoutException">It ran past <paramref name="timeout"/>; its process tree was killed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; its process tree was killed.</exception>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        int maxErrorLength,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = startInfo };
        var stopwatch = Stopwatch.StartNew();
        process.Start();
        // Nix never reads standard input here; closing it keeps a prompt from waiting forever.
        process.StandardInput.Close();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);

        // Both streams are drained from the start, so a full pipe can never block the child.
        var stdoutTask = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderrTask = ReadTailAsync(process.StandardError, maxErrorLength);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            // The pipes close once the tree is dead; what was written so far helps explain the timeout.
            // Bounded, in case a grandchild that escaped the kill still holds a pipe open.
            await Task.WhenAny(Task.WhenAll(stdoutTask, stderrTask), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None))
                .ConfigureAwait(false);
            var partialError = stderrTask.IsCompletedSuccessfully ? stderrTask.Result : "";
            cancellationToken.ThrowIfCancellationRequested();
            throw new ProcessTimeoutException(timeout, partialError);
        }

        var stdout = await stdoutTask.ConfigureAwait(false);
        var stderr = await stderrTask.ConfigureAwait(false);
        return new ProcessResult(process.ExitCode, stdout, stderr, stopwatch.Elapsed);
    }

    private static void Kill(Process process)
    {
        try
        {
            // Builders are children of nix-store in single-user mode; they must die with it.
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill.
        }
    }

    /// <summary>Reads a stream to its end, keeping only the last <paramref name="maxLength"/> characters.</summary>
    private static async Task<string> ReadTailAsync(StreamReader reader, int maxLength)
    {
        var kept = new StringBuilder();
        var truncated = false;
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false)) > 0)
        {
            kept.Append(buffer, 0, read);
            if (kept.Length > 2 * maxLength)
            {
                kept.Remove(0, kept.Length - maxLength);
                truncated = true;
            }
        }
        if (kept.Length > maxLength)
        {
            kept.Remove(0, kept.Length - maxLength);
            truncated = true;
        }
        return truncated ? "[…]" + kept : kept.ToString();
    }
}
