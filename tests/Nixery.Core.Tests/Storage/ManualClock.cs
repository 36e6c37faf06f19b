namespace Nixery.Core.Tests.Storage;

/// <summary>A clock that starts at the real time and moves only when told to, both its wall time and its timestamps.</summary>
internal sealed class ManualClock : TimeProvider
{
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
    private TimeSpan _advanced;

    public override DateTimeOffset GetUtcNow() => _start + _advanced;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _advanced.Ticks;

    public void Advance(TimeSpan by) => _advanced += by;
}
