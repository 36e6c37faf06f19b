using System.Diagnostics.Metrics;
using Nixery.Core;

namespace Nixery.IntegrationTests.Support;

/// <summary>Counts layers packed (not reused) by the engine, through its published metrics.</summary>
internal sealed class PackedLayerCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    public PackedLayerCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == NixeryDiagnostics.Name && instrument.Name == "nixery.layers.packed")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
