using System.Diagnostics.Metrics;

namespace Nixery.AspNetCore.Registry;

/// <summary>The instruments of <see cref="RegistryDiagnostics.Name"/>, made from the host's meter factory when it has one.</summary>
internal sealed class RegistryMetrics
{
    private readonly Counter<long> _blobBytesServed;

    public RegistryMetrics(IMeterFactory? factory)
    {
        var meter = factory?.Create(RegistryDiagnostics.Name) ?? new Meter(RegistryDiagnostics.Name);
        _blobBytesServed = meter.CreateCounter<long>(
            RegistryDiagnostics.BlobBytesServed, "By", "Blob bytes sent by the registry itself, not redirected");
    }

    /// <summary>Counts blob bytes sent, by kind of request: <c>whole</c>, <c>range</c> or <c>multirange</c>.</summary>
    public void BlobBytesServed(long bytes, string request) =>
        _blobBytesServed.Add(bytes, new KeyValuePair<string, object?>("nixery.blob.request", request));
}
