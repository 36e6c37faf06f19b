using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Layering;

namespace Nixery.Core.Layering;

/// <summary>
/// Loads popularity data once, from <see cref="NixeryOptions.PopularityUrl"/> and, for closure counts,
/// <see cref="NixeryOptions.ClosurePopularityUrl"/> (each a file path or an http(s) URL).
/// A failed load is not remembered, so the next build tries again.
/// </summary>
public sealed class PopularityLoader(IOptions<NixeryOptions> options, IHttpClientFactory httpClients, ILogger<PopularityLoader> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Counts _referrers = new(options.Value.PopularityUrl, "Nixery:PopularityUrl / NIX_POPULARITY_URL");
    private readonly Counts _closures = new(options.Value.ClosurePopularityUrl, "Nixery:ClosurePopularityUrl / NIX_CLOSURE_POPULARITY_URL");

    /// <summary>The reference counts, loading them on first use; empty when none are configured.</summary>
    public Task<Popularity> GetAsync(CancellationToken cancellationToken = default) => GetAsync(_referrers, cancellationToken);

    /// <summary>The closure counts, loading them on first use; empty when none are configured.</summary>
    public Task<Popularity> GetClosuresAsync(CancellationToken cancellationToken = default) => GetAsync(_closures, cancellationToken);

    private async Task<Popularity> GetAsync(Counts counts, CancellationToken cancellationToken)
    {
        if (counts.Loaded is not null) return counts.Loaded;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return counts.Loaded ??= await LoadAsync(counts.Location, counts.Setting, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Popularity> LoadAsync(string? location, string setting, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(location)) return Popularity.Empty;
        try
        {
            await using var stream = Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? await httpClients.CreateClient(nameof(PopularityLoader)).GetStreamAsync(uri, cancellationToken).ConfigureAwait(false)
                : File.OpenRead(uri is { IsFile: true } ? uri.LocalPath : location);
            var counts = await JsonSerializer.DeserializeAsync<Dictionary<string, int>>(stream, cancellationToken: cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException("the data is null");
            logger.LogInformation("Loaded counts of {PackageCount} packages from {Location} ({Setting})", counts.Count, location, setting);
            return new Popularity(counts);
        }
        catch (Exception error) when (error is IOException or HttpRequestException or JsonException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"could not load popularity data from '{location}' ({setting}): {error.Message}", error);
        }
    }

    // One data set: where it comes from, the setting that says so (for messages), and what was read.
    private sealed class Counts(string? location, string setting)
    {
        public string? Location { get; } = location;
        public string Setting { get; } = setting;
        public Popularity? Loaded { get; set; }
    }
}
