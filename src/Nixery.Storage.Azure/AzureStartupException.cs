using Nixery.Abstractions;

namespace Nixery.Storage.Azure;

/// <summary>The Azure blob store cannot work with its settings; the message says what to fix.</summary>
public sealed class AzureStartupException(AzureStartupProblem problem, string message, Exception? inner = null)
    : NixeryException($"Azure blob store: {message}", inner)
{
    /// <summary>Which kind of problem it is.</summary>
    public AzureStartupProblem Problem { get; } = problem;
}
