using Microsoft.Extensions.Options;

namespace Nixery.Core.Building;

/// <summary>
/// The most recent build failures of this process (<see cref="NixeryOptions.RecentFailuresKept"/> of them), newest
/// first, for an operator's page such as the registry's index page. Fed by the image builder.
/// </summary>
public sealed class BuildFailureLog
{
    private readonly Lock _lock = new();
    private readonly LinkedList<BuildFailure> _failures = new();
    private readonly int _capacity;

    /// <summary>Creates a log keeping <see cref="NixeryOptions.RecentFailuresKept"/> failures.</summary>
    public BuildFailureLog(IOptions<NixeryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _capacity = Math.Max(0, options.Value.RecentFailuresKept);
    }

    /// <summary>Adds a failure, dropping the oldest beyond the capacity.</summary>
    public void Record(BuildFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (_capacity == 0) return;
        lock (_lock)
        {
            _failures.AddFirst(failure);
            while (_failures.Count > _capacity) _failures.RemoveLast();
        }
    }

    /// <summary>The failures kept, newest first.</summary>
    public IReadOnlyList<BuildFailure> Recent()
    {
        lock (_lock) return [.. _failures];
    }
}
