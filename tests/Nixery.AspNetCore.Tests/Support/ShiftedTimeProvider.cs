namespace Nixery.AspNetCore.Tests.Support;

/// <summary>
/// The system clock plus an offset that a test moves forward, so that lifetimes can expire at once instead of after
/// a real wait that a loaded machine could stretch. Time only ever jumps ahead, so timers keep working.
/// </summary>
public sealed class ShiftedTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    private TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public override long GetTimestamp() =>
        System.GetTimestamp() + (long)(Offset.TotalSeconds * System.TimestampFrequency);

    public override long TimestampFrequency => System.TimestampFrequency;
}
