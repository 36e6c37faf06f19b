using System.Diagnostics.Metrics;

namespace Nixery.AspNetCore.Tests.Support;

/// <summary>Counts the engine's <c>nixery.images.built</c> measurements: one per image assembled after a Nix build.</summary>
public sealed class BuildCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _built;

    public BuildCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Nixery.Core" && instrument.Name == "nixery.images.built")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _built, value));
        _listener.Start();
    }

    /// <summary>Images built since this counter started.</summary>
    public long Built => Interlocked.Read(ref _built);

    public void Dispose() => _listener.Dispose();
}
