namespace Nixery.Core.Nix;

/// <summary>A process ran past its timeout and was killed; carries what it had written to standard error.</summary>
internal sealed class ProcessTimeoutException(TimeSpan timeout, string standardError)
    : Exception($"the process did not finish within {timeout}")
{
    public TimeSpan Timeout { get; } = timeout;

    public string StandardError { get; } = standardError;
}
