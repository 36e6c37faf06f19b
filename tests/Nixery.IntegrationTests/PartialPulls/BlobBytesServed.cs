using System.Diagnostics.Metrics;
using Nixery.AspNetCore.Registry;

namespace Nixery.IntegrationTests.PartialPulls;

/// <summary>Sums the blob bytes one registry host sent, from its own meter factory, so other servers in the process do not count.</summary>
internal sealed class BlobBytesServed : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public BlobBytesServed(IMeterFactory hostMeters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == hostMeters && instrument.Meter.Name == RegistryDiagnostics.Name && instrument.Name == RegistryDiagnostics.BlobBytesServed)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
