namespace Nixery.Core.Nix;

/// <summary>How a finished process ended.</summary>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="StandardOutput">Everything it wrote to standard output.</param>
/// <param name="StandardError">The end of what it wrote to standard error (bounded).</param>
/// <param name="Duration">Wall-clock time from start to exit.</param>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Duration);
