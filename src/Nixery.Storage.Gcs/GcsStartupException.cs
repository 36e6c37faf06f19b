using Nixery.Abstractions;

namespace Nixery.Storage.Gcs;

/// <summary>The Cloud Storage blob store cannot work with its settings; the message says what to fix.</summary>
public sealed class GcsStartupException(GcsStartupProblem problem, string message, Exception? inner = null)
    : NixeryException($"Cloud Storage blob store: {message}", inner)
{
    /// <summary>Which kind of problem it is.</summary>
    public GcsStartupProblem Problem { get; } = problem;
}
