using System.Diagnostics.Metrics;

namespace Nixery.AspNetCore.Registry;

/// <summary>The instruments of <see cref="RegistryDiagnostics.Name"/>, made from the host's meter factory when it has one.</summary>
internal sealed class RegistryMetrics
{
    private readonly Counter<long> _blobBytesServed;
    private readonly Counter<long> _errors;

    public RegistryMetrics(IMeterFactory? factory)
    {
        var meter = factory?.Create(RegistryDiagnostics.Name) ?? new Meter(RegistryDiagnostics.Name);
        _blobBytesServed = meter.CreateCounter<long>(
            RegistryDiagnostics.BlobBytesServed, "By", "Blob bytes sent by the registry itself, not redirected");
        _errors = meter.CreateCounter<long>(
            RegistryDiagnostics.Errors, "{error}", "Registry errors answered, by error code and HTTP status");
    }

    /// <summary>Counts one error answered, e.g. <c>MANIFEST_UNKNOWN</c> with 404.</summary>
    public void Error(string code, int statusCode) =>
        _errors.Add(1, new KeyValuePair<string, object?>("error.code", code), new KeyValuePair<string, object?>("http.response.status_code", statusCode));

    /// <summary>Counts blob bytes sent, by kind of request: <c>whole</c>, <c>range</c> or <c>multirange</c>.</summary>
    public void BlobBytesServed(long bytes, string request) =>
        _blobBytesServed.Add(bytes, new KeyValuePair<string, object?>("nixery.blob.request", request));
}
