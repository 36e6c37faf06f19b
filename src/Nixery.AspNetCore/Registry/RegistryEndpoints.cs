using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;
using Nixery.Abstractions.Storage;
using Nixery.Core;
using Nixery.Core.Building;
using Nixery.Core.Collection;
using Nixery.Core.Platforms;

namespace Nixery.AspNetCore.Registry;

/// <summary>The request handlers behind <see cref="Microsoft.AspNetCore.Builder.NixeryEndpointRouteBuilderExtensions.MapNixery"/>.</summary>
internal sealed partial class RegistryEndpoints(
    RecentBuilds builds,
    IBlobStore store,
    ImageRequestOptions requestOptions,
    NixeryRegistryOptions registryOptions,
    IPackageSource? source,
    RegistryMetrics metrics,
    ImageRoots? roots,
    ILogger<RegistryEndpoints> logger,
    ImagePlatforms? platforms = null,
    ImageIndexBuilds? indexes = null)
{
    private const string OctetStream = "application/octet-stream";
    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    /// <summary><c>GET /v2/</c>: the API version check every client starts with.</summary>
    public static IResult ApiVersion(HttpContext context)
    {
        SetApiVersion(context);
        return new JsonBytesResult(EmptyObject);
    }

    /// <summary>Push and delete: not served.</summary>
    public static IResult Unsupported(HttpContext context)
    {
        SetApiVersion(context);
        return RegistryError.Unsupported(context.Request.Method);
    }

    /// <summary><c>GET</c> and <c>HEAD</c> of anything below <c>/v2/</c>.</summary>
    public async Task<IResult> GetAsync(HttpContext context, string? path)
    {
        SetApiVersion(context);
        var parsed = RegistryPath.Parse(path);
        var result = parsed.Kind switch
        {
            RegistryRouteKind.Manifest => await ManifestAsync(context, parsed.Name, parsed.Reference).ConfigureAwait(false),
            RegistryRouteKind.Blob => await BlobAsync(context, parsed.Name, parsed.Reference).ConfigureAwait(false),
            RegistryRouteKind.TagList => await TagListAsync(context, parsed.Name).ConfigureAwait(false),
            RegistryRouteKind.Referrers => ValidateName(parsed.Name, StatusCodes.Status400BadRequest) ?? await ReferrersListing.ListAsync(context, store, parsed.Reference).ConfigureAwait(false),
            _ => string.IsNullOrEmpty(path) ? ApiVersion(context) : RegistryError.NotFound(path),
        };
        if (result is RegistryError error) metrics.Error(error.Code, error.StatusCode);
        return result;
    }

    private async Task<IResult> ManifestAsync(HttpContext context, string name, string reference)
    {
        var started = Stopwatch.GetTimestamp();
        var method = context.Request.Method;
        var (result, outcome, digest) = await ResolveManifestAsync(context, name, reference).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var status = result switch
        {
            RegistryError error => error.StatusCode,
            _ => StatusCodes.Status200OK,
        };
        if (status >= 500) LogManifestFailed(method, name, reference, outcome, status, elapsed);
        else if (status >= 400) LogManifestRejected(method, name, reference, outcome, status, elapsed);
        else LogManifestServed(method, name, reference, outcome, digest ?? "", elapsed);
        return result;
    }

    private async Task<(IResult Result, string Outcome, string? Digest)> ResolveManifestAsync(HttpContext context, string name, string reference)
    {
        var cancellationToken = context.RequestAborted;
        // A tag cannot hold ':', so any reference with one is a digest or nothing.
        var isDigest = reference.Contains(':', StringComparison.Ordinal);
        if (ValidateName(name) is { } invalidName) return (invalidName, "invalid-name", null);
        if (!isDigest && !ImageRequest.IsValidTag(reference)) return (RegistryError.TagInvalid(reference), "invalid-tag", null);
        if (!isDigest && registryOptions.OnlyListedTags && source is not IPackageSourceTags && reference != ImageRequest.LatestTag)
            return (RegistryError.TagUnknown(reference,
                $"manifest unknown: the tag '{reference}' is not served; {source?.Description ?? "this package source"} has only 'latest'"),
                "unknown-tag", null);
        var request = ImageRequest.Parse(name, isDigest ? null : reference, requestOptions);

        if (isDigest)
        {
            var sha256 = Digest.TryParse(reference, out var digest);
            if (!sha256 && !OtherAlgorithmDigest.IsWellFormed(reference))
                return (RegistryError.DigestInvalid(reference), "invalid-digest", null);
            var manifest = sha256 ? await ReadStoredManifestAsync(digest, cancellationToken).ConfigureAwait(false) : null;
            if (manifest is null)
                return (RegistryError.ManifestUnknown($"manifest unknown to registry: {reference}", json => json.WriteStringValue(reference)),
                    "unknown-digest", null);
            await TouchAsync(digest, cancellationToken).ConfigureAwait(false);
            var body = HttpMethods.IsHead(context.Request.Method) ? null : new MemoryStream(manifest.Content, writable: false);
            return (new ManifestResult(manifest.MediaType, digest, manifest.Size, body), "by-digest", reference);
        }

        // A name without a platform answers every configured platform's image in an index, for clients that read one.
        var form = ManifestFormNegotiator.Negotiate(context.Request.Headers.Accept,
            index: indexes is not null && platforms is { IsMultiPlatform: true } && !request.ArchitectureSelected);
        if (platforms is not null && !request.ArchitectureSelected) request = request with { Architecture = platforms.Default };
        try
        {
            var (built, shared) = form is ManifestForm.OciIndex or ManifestForm.DockerManifestList
                ? await indexes!.GetOrBuildAsync(request, cancellationToken).ConfigureAwait(false)
                : await builds.GetOrBuildAsync(request, cancellationToken).ConfigureAwait(false);
            switch (built)
            {
                case PackagesNotFound missing:
                    return (RegistryError.ManifestUnknown(missing.Message, json =>
                    {
                        json.WriteStartObject();
                        json.WriteStartArray("packages");
                        foreach (var package in missing.Packages) json.WriteStringValue(package);
                        json.WriteEndArray();
                        json.WriteEndObject();
                    }), "packages-not-found", null);

                case BuiltImageIndex index:
                    context.Response.Headers.Vary = "Accept";
                    var list = form == ManifestForm.OciIndex ? index.OciIndex : index.DockerManifestList;
                    var listBody = HttpMethods.IsHead(context.Request.Method) ? null : new MemoryStream(list.Content, writable: false);
                    return (new ManifestResult(list.MediaType, list.Digest, list.Size, listBody), shared ? "recent-build" : "built", list.Digest.ToString());

                case BuiltImage image:
                    // The same URL answers two forms: shared caches must key on Accept.
                    context.Response.Headers.Vary = "Accept";
                    var manifest = form == ManifestForm.Oci ? image.OciManifest : image.DockerManifest;
                    var outcome = shared ? "recent-build" : "built";
                    var body = HttpMethods.IsHead(context.Request.Method) ? null : new MemoryStream(manifest.Content, writable: false);
                    return (new ManifestResult(manifest.MediaType, manifest.Digest, manifest.Size, body), outcome, manifest.Digest.ToString());

                default:
                    throw new InvalidOperationException($"unexpected build result {built.GetType().Name}");
            }
        }
        catch (NixFailureException failure)
        {
            if (await IsUnlistedTagAsync(failure, name, reference, cancellationToken).ConfigureAwait(false))
                return (RegistryError.TagUnknown(reference,
                    $"manifest unknown: the tag '{reference}' selects nothing in {source!.Description}; its tags are listed at /v2/{name}/tags/list",
                    failure.NixMessage), "unknown-tag", null);
            LogNixFailure(name, reference, failure.Kind, failure.NixMessage);
            return (NixFailureErrors.From(failure), $"nix-{failure.Kind.ToString().ToLowerInvariant()}", null);
        }
        catch (TooManyBuildsException refused)
        {
            return (RegistryError.TooManyBuilds(refused), "too-many-builds", null);
        }
        catch (BuildCoordinationException unavailable)
        {
            LogCoordinatorUnavailable(unavailable, name, reference);
            return (RegistryError.CoordinatorUnavailable(unavailable), "coordinator-unavailable", null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            LogUnexpected(exception, name, reference);
            return (new RegistryError(StatusCodes.Status500InternalServerError, RegistryErrorCodes.Unknown,
                "the registry failed to make this image; its log has the details"), "error", null);
        }
    }

    /// <summary>
    /// True when a failed build was asked for a tag that its package source does not list and that is not pinned (a
    /// git branch that does not exist, not a commit): the tag names no manifest, a 404 rather than a build failure.
    /// Asked only after Nix failed, so a successful pull never waits for the listing.
    /// </summary>
    private async Task<bool> IsUnlistedTagAsync(NixFailureException failure, string name, string tag, CancellationToken cancellationToken)
    {
        if (failure.Kind is not (NixFailureKind.Evaluation or NixFailureKind.Build)) return false;
        if (source is not IPackageSourceTags listing || tag == ImageRequest.LatestTag) return false;
        try
        {
            if (source.Resolve(tag).IsPinned) return false;
            var tags = await listing.ListTagsAsync(cancellationToken).ConfigureAwait(false);
            return !tags.Contains(tag, StringComparer.Ordinal);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Without a listing the build failure stands as it is.
            LogTagListFailed(exception, name, source.Description);
            return false;
        }
    }

    /// <summary>
    /// Keeps an image pulled by digest (as Kubernetes pulls pinned images) from garbage collection; a failure costs
    /// nothing but a log line, since the manifest is served either way.
    /// </summary>
    private async Task TouchAsync(Digest manifest, CancellationToken cancellationToken)
    {
        if (roots is null) return;
        try
        {
            await roots.TouchManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogTouchFailed(exception, manifest.ToString());
        }
    }

    /// <summary>
    /// A stored manifest by digest (from memory when recently built or read), or null when the digest names no manifest.
    /// </summary>
    private async Task<StoredManifest?> ReadStoredManifestAsync(Digest digest, CancellationToken cancellationToken)
    {
        if (builds.TryGetManifest(digest, out var known)) return known;
        var info = await store.StatAsync(digest, cancellationToken).ConfigureAwait(false);
        if (info is null || info.Size > ManifestDocument.MaxSize) return null;
        var stream = await store.OpenReadAsync(digest, cancellationToken).ConfigureAwait(false);
        if (stream is null) return null;
        await using (stream.ConfigureAwait(false))
        {
            var bytes = new byte[info.Size];
            await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            // Read to the end, so that the store checks the bytes against the digest.
            if (await stream.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0) return null;
            var mediaType = ManifestDocument.MediaTypeOf(bytes);
            if (mediaType is null) return null;
            var manifest = new StoredManifest(digest, mediaType, bytes);
            builds.RememberManifest(manifest);
            return manifest;
        }
    }

    private async Task<IResult> BlobAsync(HttpContext context, string name, string reference)
    {
        if (ValidateName(name) is { } invalid) return invalid;
        if (!Digest.TryParse(reference, out var digest))
            return OtherAlgorithmDigest.IsWellFormed(reference) ? RegistryError.BlobUnknown(reference) : RegistryError.DigestInvalid(reference);

        var cancellationToken = context.RequestAborted;
        var response = context.Response;
        var isHead = HttpMethods.IsHead(context.Request.Method);
        var rangeHeader = context.Request.Headers.Range.ToString();
        // Several ranges are served here: object stores answer one range per request, and clients need them all at once.
        var multiRange = !isHead && rangeHeader.Contains(',', StringComparison.Ordinal);
        if (!multiRange)
        {
            // Only stored blobs are redirected, so an unknown digest still gets the registry's BLOB_UNKNOWN.
            var location = await store.GetRedirectAsync(digest, isHead ? HttpMethod.Head : HttpMethod.Get, cancellationToken).ConfigureAwait(false);
            if (location is not null)
            {
                response.Headers[RegistryHeaders.ContentDigest] = reference;
                return Results.Redirect(location.AbsoluteUri, permanent: false, preserveMethod: true);
            }
        }

        if (isHead)
        {
            var info = await store.StatAsync(digest, cancellationToken).ConfigureAwait(false);
            if (info is null) return RegistryError.BlobUnknown(reference);
            response.ContentType = OctetStream;
            response.ContentLength = info.Size;
            response.Headers.AcceptRanges = "bytes";
            response.Headers[RegistryHeaders.ContentDigest] = reference;
            return Results.Empty;
        }

        var stream = await store.OpenReadAsync(digest, cancellationToken).ConfigureAwait(false);
        if (stream is null) return RegistryError.BlobUnknown(reference);
        response.Headers[RegistryHeaders.ContentDigest] = reference;
        var ranges = rangeHeader.Length > 0 ? ByteRange.Parse(rangeHeader, stream.Length) : null;
        if (multiRange && ranges is { Count: 0 })
        {
            response.Headers.ContentRange = $"bytes */{stream.Length}";
            await stream.DisposeAsync().ConfigureAwait(false);
            return Results.StatusCode(StatusCodes.Status416RangeNotSatisfiable);
        }
        if (multiRange && ranges is { Count: > 0 })
        {
            var parts = new MultipartByteRangesResult(stream, ranges, "nixery-" + digest.Hex[..32]);
            Served(parts.PayloadBytes, "multirange");
            return parts;
        }
        if (rangeHeader.Length > 0)
        {
            // One range (206, Content-Range, 416) is answered by ASP.NET Core's stream result, which seeks.
            Served(ranges is { Count: 1 } one ? one[0].Length : ranges is null ? stream.Length : 0, "range");
            return Results.Stream(stream, OctetStream, enableRangeProcessing: true);
        }

        // A whole layer: copy in large chunks, so a 200 MB blob is a few hundred socket writes rather than thousands.
        await using (stream.ConfigureAwait(false))
        {
            response.ContentType = OctetStream;
            response.ContentLength = stream.Length;
            response.Headers.AcceptRanges = "bytes";
            await stream.CopyToAsync(response.Body, WholeBlobCopyBufferSize, cancellationToken).ConfigureAwait(false);
        }
        Served(stream.Length, "whole");
        return Results.Empty;
    }

    private void Served(long bytes, string request) => metrics.BlobBytesServed(bytes, request);

    private const int WholeBlobCopyBufferSize = 1024 * 1024;

    private async Task<IResult> TagListAsync(HttpContext context, string name)
    {
        if (ValidateName(name) is { } invalid) return invalid;

        // Every package source builds "latest"; a source that can list more (a git repository's branches) says so.
        IReadOnlyList<string> sourceTags = [];
        if (source is IPackageSourceTags listing)
        {
            var cancellationToken = context.RequestAborted;
            try
            {
                sourceTags = await listing.ListTagsAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception exception)
            {
                // A tag list is not worth a 5xx: "latest" is always right.
                LogTagListFailed(exception, name, source.Description);
            }
        }

        var query = context.Request.Query;
        var last = query["last"].ToString();
        // One page at most MaxTagsPerPage long, asked with n or not; one tag more is taken to learn whether more remain.
        var size = registryOptions.MaxTagsPerPage;
        var n = query["n"].ToString();
        if (n.Length > 0)
        {
            if (!int.TryParse(n, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var asked))
                return RegistryError.PaginationNumberInvalid(n);
            size = Math.Min(asked, size);
        }
        var tags = TagListing.Page(sourceTags, last, size + 1);
        if (tags.Count > size)
        {
            tags = [.. tags.Take(size)];
            // n=0 is an empty list without a Link, as the spec says.
            if (size > 0) context.Response.Headers.Link = TagListing.NextLink(context.Request.PathBase, name, size, tags[^1]);
        }

        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteStartArray("tags");
            foreach (var tag in tags) json.WriteStringValue(tag);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return new JsonBytesResult(buffer.WrittenSpan.ToArray());
    }

    private RegistryError? ValidateName(string name, int statusCode = StatusCodes.Status404NotFound)
    {
        try
        {
            ImageRequest.Parse(name, null, requestOptions);
            return null;
        }
        catch (InvalidImageNameException invalid)
        {
            return RegistryError.NameInvalid(name, invalid.Message, statusCode);
        }
    }

    private static void SetApiVersion(HttpContext context) =>
        context.Response.Headers[RegistryHeaders.ApiVersion] = RegistryHeaders.ApiVersionValue;

    [LoggerMessage(Level = LogLevel.Information, Message = "Manifest {Method} {Image}:{Reference}: {Outcome} {ManifestDigest} in {ElapsedMs:F1} ms")]
    private partial void LogManifestServed(string method, string image, string reference, string outcome, string manifestDigest, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Manifest {Method} {Image}:{Reference}: {Outcome}, answered {StatusCode} in {ElapsedMs:F1} ms")]
    private partial void LogManifestRejected(string method, string image, string reference, string outcome, int statusCode, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Manifest {Method} {Image}:{Reference}: {Outcome}, answered {StatusCode} in {ElapsedMs:F1} ms")]
    private partial void LogManifestFailed(string method, string image, string reference, string outcome, int statusCode, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Image {Image}:{Reference} could not be made, Nix failure {NixFailureKind}: {NixMessage}")]
    private partial void LogNixFailure(string image, string reference, NixFailureKind nixFailureKind, string nixMessage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tags of {Image} could not be listed from {PackageSource}; answering only latest")]
    private partial void LogTagListFailed(Exception exception, string image, string packageSource);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Manifest {ManifestDigest}: its use could not be recorded for garbage collection")]
    private partial void LogTouchFailed(Exception exception, string manifestDigest);

    [LoggerMessage(Level = LogLevel.Error, Message = "Manifest {Image}:{Reference}: the build coordinator cannot be reached")]
    private partial void LogCoordinatorUnavailable(Exception exception, string image, string reference);

    [LoggerMessage(Level = LogLevel.Error, Message = "Manifest {Image}:{Reference} failed unexpectedly")]
    private partial void LogUnexpected(Exception exception, string image, string reference);
}
