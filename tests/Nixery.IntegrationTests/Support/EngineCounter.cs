using System.Diagnostics.Metrics;
using Nixery.Core;

namespace Nixery.IntegrationTests.Support;

/// <summary>Sums one of the engine's published counters (e.g. <c>nixery.layers.packed</c>, <c>nixery.images.built</c>).</summary>
internal sealed class EngineCounter : IDisposable
{
    public const string LayersPacked = "nixery.layers.packed";
    public const string ImagesBuilt = "nixery.images.built";

    private readonly MeterListener _listener = new();
    private long _count;

    public EngineCounter(string instrumentName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == NixeryDiagnostics.Name && instrument.Name == instrumentName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
