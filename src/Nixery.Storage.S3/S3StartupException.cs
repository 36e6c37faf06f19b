using Nixery.Abstractions;

namespace Nixery.Storage.S3;

/// <summary>The S3 blob store cannot work with its settings; the message says what to fix.</summary>
public sealed class S3StartupException(S3StartupProblem problem, string message, Exception? inner = null)
    : NixeryException($"S3 blob store: {message}", inner)
{
    /// <summary>Which kind of problem it is.</summary>
    public S3StartupProblem Problem { get; } = problem;
}
