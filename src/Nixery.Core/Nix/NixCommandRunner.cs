using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Nixery.Abstractions.Building;

namespace Nixery.Core.Nix;

/// <summary>
/// Runs one Nix command the way every Nix call of the engine runs: bounded by <see cref="NixOptions.Timeout"/>,
/// with <see cref="NixOptions.ExtraArguments"/>, traced and logged, and every failure turned into a
/// <see cref="NixFailureException"/> carrying Nix's own message.
/// </summary>
internal sealed partial class NixCommandRunner(NixOptions options, ILogger logger)
{
    /// <summary>Runs one Nix command with the timeout, logging and tracing it; a non-zero exit becomes <paramref name="failureKind"/>.</summary>
    public async Task<ProcessResult> RunAsync(
        string command, IReadOnlyList<string> arguments, NixFailureKind failureKind, CancellationToken cancellationToken)
    {
        var fileName = options.FileNameOf(command);
        var name = command == "nix" ? $"nix {arguments[0]}" : command == "nix-store" ? "nix-store --realise" : command;
        using var activity = NixeryDiagnostics.ActivitySource.StartActivity(name, ActivityKind.Internal);
        activity?.SetTag("nix.command", name);

        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(
                fileName, arguments.Concat(SettingArguments(options)).Concat(options.ExtraArguments), options.Timeout, options.MaxErrorOutputLength,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Win32Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            LogNixNotStarted(logger, exception, name, fileName);
            throw new NixFailureException(NixFailureKind.Invocation, "",
                $"could not start '{fileName}': {exception.Message}; is Nix installed and on PATH?");
        }
        catch (ProcessTimeoutException exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "timeout");
            LogNixTimedOut(logger, name, options.Timeout.TotalSeconds, exception.StandardError);
            throw new NixFailureException(NixFailureKind.Timeout,
                NixErrorText.Extract(exception.StandardError, includeLog: true),
                $"{name} took longer than {options.Timeout.TotalSeconds:0.###} s and was killed");
        }
        catch (OperationCanceledException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            LogNixCancelled(logger, name);
            throw;
        }

        activity?.SetTag("nix.exit_code", result.ExitCode);
        LogNixCall(logger, name, result.ExitCode, result.Duration.TotalMilliseconds);
        if (result.ExitCode != 0)
        {
            activity?.SetStatus(ActivityStatusCode.Error, $"exit code {result.ExitCode}");
            LogNixFailed(logger, name, result.ExitCode, result.StandardError);
            throw new NixFailureException(failureKind,
                NixErrorText.Extract(result.StandardError, includeLog: failureKind == NixFailureKind.Build),
                $"{name} exited with code {result.ExitCode}");
        }
        return result;
    }

    /// <summary>The settings Nix is given on every call: <c>--option substituters …</c> and friends, when set.</summary>
    internal static IEnumerable<string> SettingArguments(NixOptions options)
    {
        if (options.Substituters.Count > 0)
        {
            yield return "--option";
            yield return "substituters";
            yield return string.Join(' ', options.Substituters);
        }
        if (options.TrustedPublicKeys.Count > 0)
        {
            yield return "--option";
            yield return "trusted-public-keys";
            yield return string.Join(' ', options.TrustedPublicKeys);
        }
        if (options.ExtraPlatforms.Count > 0)
        {
            yield return "--option";
            yield return "extra-platforms";
            yield return string.Join(' ', options.ExtraPlatforms);
        }
        if (options.Builders is not null)
        {
            yield return "--option";
            yield return "builders";
            yield return options.Builders;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{NixCommand} exited with {ExitCode} after {DurationMs:0} ms")]
    private static partial void LogNixCall(ILogger logger, string nixCommand, int exitCode, double durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{NixCommand} failed with exit code {ExitCode}: {NixStandardError}")]
    private static partial void LogNixFailed(ILogger logger, string nixCommand, int exitCode, string nixStandardError);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{NixCommand} timed out after {TimeoutSeconds} s and was killed: {NixStandardError}")]
    private static partial void LogNixTimedOut(ILogger logger, string nixCommand, double timeoutSeconds, string nixStandardError);

    [LoggerMessage(Level = LogLevel.Information, Message = "{NixCommand} was cancelled and killed")]
    private static partial void LogNixCancelled(ILogger logger, string nixCommand);

    [LoggerMessage(Level = LogLevel.Error, Message = "{NixCommand} could not be started from {NixExecutable}")]
    private static partial void LogNixNotStarted(ILogger logger, Exception exception, string nixCommand, string nixExecutable);
}
