using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Layering;

namespace Nixery.Core.Layering;

/// <summary>
/// Loads popularity data once, from <see cref="NixeryOptions.PopularityUrl"/> (a file path or an http(s) URL).
/// A failed load is not remembered, so the next build tries again.
/// </summary>
public sealed class PopularityLoader(IOptions<NixeryOptions> options, IHttpClientFactory httpClients, ILogger<PopularityLoader> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Popularity? _loaded;

    /// <summary>The popularity data, loading it on first use.</summary>
    public async Task<Popularity> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_loaded is not null) return _loaded;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _loaded ??= await LoadAsync(options.Value.PopularityUrl, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Popularity> LoadAsync(string? location, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(location)) return Popularity.Empty;
        try
        {
            await using var stream = Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? await httpClients.CreateClient(nameof(PopularityLoader)).GetStreamAsync(uri, cancellationToken).ConfigureAwait(false)
                : File.OpenRead(uri is { IsFile: true } ? uri.LocalPath : location);
            var counts = await JsonSerializer.DeserializeAsync<Dictionary<string, int>>(stream, cancellationToken: cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException("the popularity data is null");
            logger.LogInformation("Loaded popularity of {PackageCount} packages from {PopularityUrl}", counts.Count, location);
            return new Popularity(counts);
        }
        catch (Exception error) when (error is IOException or HttpRequestException or JsonException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"could not load popularity data from '{location}' (Nixery:PopularityUrl / NIX_POPULARITY_URL): {error.Message}", error);
        }
    }
}
