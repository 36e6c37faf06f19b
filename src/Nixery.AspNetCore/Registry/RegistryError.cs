using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Storage;

namespace Nixery.AspNetCore.Registry;

/// <summary>
/// An error in the registry's JSON form, <c>{"errors":[{"code":…,"message":…,"detail":…}]}</c>, which docker,
/// podman and containerd print as <c>code: message</c> for any 4xx status. HEAD requests get the status and headers
/// without the body.
/// </summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Code">One of <see cref="RegistryErrorCodes"/>.</param>
/// <param name="Message">What went wrong, for a person.</param>
/// <param name="WriteDetail">Writes the <c>detail</c> value; null writes <c>null</c>.</param>
internal sealed record RegistryError(int StatusCode, string Code, string Message, Action<Utf8JsonWriter>? WriteDetail = null) : IResult
{
    /// <summary>Extra response headers, e.g. <c>Allow</c> of a 405.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    // Served as application/json, never embedded in HTML: keep quotes and Nix's '>' readable for curl users.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The serialized body.</summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartArray("errors");
            json.WriteStartObject();
            json.WriteString("code", Code);
            json.WriteString("message", Message);
            json.WritePropertyName("detail");
            if (WriteDetail is null) json.WriteNullValue();
            else WriteDetail(json);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var body = ToJson();
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        if (Headers is not null)
            foreach (var (name, value) in Headers)
                response.Headers[name] = value;
        if (HttpMethods.IsHead(httpContext.Request.Method)) return;
        await response.Body.WriteAsync(body, httpContext.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>NAME_INVALID</c> with the name in <c>detail</c>. The pull and tag-list endpoints answer it with 404, the only
    /// failure status the distribution spec gives them (end-2, end-3, end-8); the referrers API with 400, since it must
    /// never answer 404 and the spec asks 400 for an invalid request.
    /// </summary>
    public static RegistryError NameInvalid(string name, string message, int statusCode) =>
        new(statusCode, RegistryErrorCodes.NameInvalid, message, json => WriteObject(json, "name", name));

    /// <summary><c>400 DIGEST_INVALID</c> naming the malformed digest, in the message and in <c>detail</c>.</summary>
    public static RegistryError DigestInvalid(string digest) =>
        new(StatusCodes.Status400BadRequest, RegistryErrorCodes.DigestInvalid, new InvalidDigestException(digest).Message,
            json => WriteObject(json, "digest", digest));

    /// <summary>
    /// <c>404 MANIFEST_UNKNOWN</c> for a reference that is neither a tag nor a digest: no manifest can have it, and
    /// 404 is what the spec's end-3 and its conformance suite (<c>.INVALID_MANIFEST_NAME</c>) expect.
    /// </summary>
    public static RegistryError TagInvalid(string tag) =>
        new(StatusCodes.Status404NotFound, RegistryErrorCodes.ManifestUnknown,
            $"manifest unknown: '{tag}' is neither a tag ([A-Za-z0-9_][A-Za-z0-9._-]{{0,127}}) nor a digest",
            json => WriteObject(json, "tag", tag));

    /// <summary>
    /// <c>404 MANIFEST_UNKNOWN</c> for a valid tag that names nothing here, with the tag (and, when a build found out,
    /// Nix's message) in <c>detail</c>.
    /// </summary>
    public static RegistryError TagUnknown(string tag, string message, string? nixMessage = null) =>
        new(StatusCodes.Status404NotFound, RegistryErrorCodes.ManifestUnknown, message, json =>
        {
            json.WriteStartObject();
            json.WriteString("tag", tag);
            if (nixMessage is not null) json.WriteString("nixMessage", nixMessage);
            json.WriteEndObject();
        });

    /// <summary><c>400 PAGINATION_NUMBER_INVALID</c> for a <c>tags/list?n=</c> that is not a whole number from 0.</summary>
    public static RegistryError PaginationNumberInvalid(string n) =>
        new(StatusCodes.Status400BadRequest, RegistryErrorCodes.PaginationNumberInvalid,
            $"invalid number of results requested: n='{n}' must be a whole number from 0", json => WriteObject(json, "n", n));

    private static void WriteObject(Utf8JsonWriter json, string property, string value)
    {
        json.WriteStartObject();
        json.WriteString(property, value);
        json.WriteEndObject();
    }

    public static RegistryError BlobUnknown(string digest) =>
        new(StatusCodes.Status404NotFound, RegistryErrorCodes.BlobUnknown, $"blob unknown to registry: {digest}",
            json => json.WriteStringValue(digest));

    public static RegistryError ManifestUnknown(string message, Action<Utf8JsonWriter>? detail = null) =>
        new(StatusCodes.Status404NotFound, RegistryErrorCodes.ManifestUnknown, message, detail);

    public static RegistryError NotFound(string path) =>
        new(StatusCodes.Status404NotFound, RegistryErrorCodes.NameUnknown, $"nothing is served at /v2/{path}; this registry serves <name>/manifests/<reference>, <name>/blobs/<digest>, <name>/tags/list and <name>/referrers/<digest>");

    public static RegistryError TooManyBuilds(TooManyBuildsException refused) =>
        new(StatusCodes.Status429TooManyRequests, RegistryErrorCodes.TooManyRequests, refused.Message, json =>
        {
            json.WriteStartObject();
            json.WriteNumber("maxConcurrentBuilds", refused.MaxConcurrentBuilds);
            json.WriteNumber("maxQueuedBuilds", refused.MaxQueuedBuilds);
            json.WriteEndObject();
        })
        {
            Headers = new Dictionary<string, string>
            {
                ["Retry-After"] = Math.Max(1, (long)Math.Ceiling(refused.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };

    public static RegistryError CoordinatorUnavailable(BuildCoordinationException unavailable) =>
        // Not the exception's message, which names internal servers (the log has it): the client learns what and when.
        new(StatusCodes.Status503ServiceUnavailable, RegistryErrorCodes.Unavailable,
            "this image needs a build, and the registry's build coordinator cannot be reached; images already built are still served")
        {
            Headers = new Dictionary<string, string>
            {
                ["Retry-After"] = Math.Max(1, (long)Math.Ceiling(unavailable.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };

    public static RegistryError Unsupported(string method) =>
        new(StatusCodes.Status405MethodNotAllowed, RegistryErrorCodes.Unsupported,
            $"this registry builds images on demand and only serves pulls; {method} is not supported")
        {
            Headers = new Dictionary<string, string> { ["Allow"] = "GET, HEAD" },
        };
}
