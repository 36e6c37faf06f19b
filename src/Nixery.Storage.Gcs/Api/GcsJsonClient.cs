using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;

namespace Nixery.Storage.Gcs.Api;

/// <summary>
/// The Cloud Storage JSON API calls this store makes, over <see cref="HttpClient"/>. Every call that is idempotent
/// (reads, lists, and writes or deletes guarded by a generation precondition) is retried by <see cref="RetryPolicy"/>;
/// a status Cloud Storage answers that is not success becomes a <see cref="GcsStorageException"/>.
/// </summary>
internal sealed class GcsJsonClient(HttpClient http, Uri endpoint, string bucket, ITokenAccess? credential, RetryPolicy retry)
{
    private const string ReadWriteScopeUri = "https://storage.googleapis.com/";
    private static readonly MediaTypeHeaderValue OctetStream = new("application/octet-stream");
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "UTF-8" };

    private readonly string _objects = $"storage/v1/b/{Uri.EscapeDataString(bucket)}/o";
    private readonly string _uploads = $"upload/storage/v1/b/{Uri.EscapeDataString(bucket)}/o";

    public Uri Endpoint => endpoint;

    public string Bucket => bucket;

    public RetryPolicy Retry => retry;

    /// <summary><c>objects.get</c>: the object's metadata, or null when there is none.</summary>
    public Task<GcsObject?> GetAsync(string name, CancellationToken cancellationToken) =>
        retry.ExecuteAsync("objects.get", name, idempotent: true, async token =>
        {
            using var response = await SendAsync("objects.get", name, () => new HttpRequestMessage(HttpMethod.Get, ObjectUri(name)), token)
                .ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound) return null;
            return await ReadObjectAsync("objects.get", name, response, token).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// <c>objects.get?alt=media</c> from <paramref name="offset"/> on, pinned to <paramref name="generation"/> when given;
    /// null when there is no such object. The caller owns (and disposes) the response.
    /// </summary>
    public Task<HttpResponseMessage?> OpenMediaAsync(string name, long? generation, long offset, CancellationToken cancellationToken) =>
        retry.ExecuteAsync("objects.get", name, idempotent: true, async token =>
        {
            var query = "alt=media" + (generation is { } g ? $"&generation={g}" : "");
            var response = await SendAsync("objects.get", name, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, ObjectUri(name, query));
                if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
                return request;
            }, token, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                response.Dispose();
                return null;
            }
            if (!response.IsSuccessStatusCode)
            {
                using (response) throw await ErrorAsync("objects.get", name, response, token).ConfigureAwait(false);
            }
            return (HttpResponseMessage?)response;
        }, cancellationToken);

    /// <summary>
    /// <c>objects.insert</c> as one multipart request (metadata, then the bytes). With <paramref name="md5"/> Cloud Storage
    /// rejects bytes that arrive different; with <paramref name="ifGenerationMatch"/> (0: only if absent) it answers 412
    /// instead of replacing, which also makes the call safe to retry.
    /// </summary>
    public Task<GcsObject> InsertAsync(string name, ReadOnlyMemory<byte> content, long? ifGenerationMatch, byte[]? md5,
        IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken) =>
        retry.ExecuteAsync("objects.insert", name, idempotent: ifGenerationMatch is not null, async token =>
        {
            var query = "uploadType=multipart" + Precondition(ifGenerationMatch);
            var resource = ResourceJson(name, md5, metadata);
            using var response = await SendAsync("objects.insert", name, () =>
            {
                var body = new MultipartContent("related", "nixery-" + Guid.NewGuid().ToString("N"));
                body.Add(new ByteArrayContent(resource) { Headers = { ContentType = Json } });
                body.Add(new ReadOnlyMemoryContent(content) { Headers = { ContentType = OctetStream } });
                return new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, $"{_uploads}?{query}")) { Content = body };
            }, token).ConfigureAwait(false);
            GcsDiagnostics.BytesUploaded.Add(content.Length);
            return await ReadObjectAsync("objects.insert", name, response, token).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Starts a resumable upload session (<c>uploadType=resumable</c>) and returns its URI.</summary>
    public Task<Uri> StartResumableAsync(string name, long? ifGenerationMatch, IReadOnlyDictionary<string, string>? metadata,
        CancellationToken cancellationToken) =>
        retry.ExecuteAsync("objects.insert", name, idempotent: ifGenerationMatch is not null, async token =>
        {
            var query = "uploadType=resumable&name=" + Uri.EscapeDataString(name) + Precondition(ifGenerationMatch);
            var resource = ResourceJson(name, null, metadata);
            using var response = await SendAsync("objects.insert", name, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, $"{_uploads}?{query}"))
                {
                    Content = new ByteArrayContent(resource) { Headers = { ContentType = Json } },
                };
                request.Headers.Add("X-Upload-Content-Type", "application/octet-stream");
                return request;
            }, token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) throw await ErrorAsync("objects.insert", name, response, token).ConfigureAwait(false);
            return response.Headers.Location
                ?? throw new GcsStorageException("objects.insert", name, response.StatusCode, "the resumable upload was started without a session URI");
        }, cancellationToken);

    /// <summary>
    /// Sends bytes of a resumable upload at <paramref name="offset"/>; with <paramref name="total"/> this is the last
    /// request and finishes the object. Not retried here: after a failure the caller asks where the upload stands.
    /// </summary>
    public async Task<ResumableStatus> PutChunkAsync(Uri session, string name, ReadOnlyMemory<byte> data, long offset, long? total,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(retry.Options.AttemptTimeout);
        var size = total?.ToString(CultureInfo.InvariantCulture) ?? "*";
        using var response = await SendAsync("objects.insert", name, () =>
        {
            var content = new ReadOnlyMemoryContent(data) { Headers = { ContentType = OctetStream } };
            content.Headers.TryAddWithoutValidation("Content-Range",
                data.Length == 0 ? $"bytes */{size}" : $"bytes {offset}-{offset + data.Length - 1}/{size}");
            return new HttpRequestMessage(HttpMethod.Put, session) { Content = content };
        }, timeout.Token).ConfigureAwait(false);
        GcsDiagnostics.BytesUploaded.Add(data.Length);
        return await ReadResumableStatusAsync(name, response, timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Asks a resumable session how many bytes it has persisted (<c>Content-Range: bytes */N</c>, or <c>*/*</c>).</summary>
    public Task<ResumableStatus> QueryResumableAsync(Uri session, string name, long? total, CancellationToken cancellationToken) =>
        retry.ExecuteAsync("objects.insert", name, idempotent: true, async token =>
        {
            using var response = await SendAsync("objects.insert", name, () =>
            {
                var content = new ByteArrayContent([]);
                content.Headers.TryAddWithoutValidation("Content-Range", $"bytes */{total?.ToString(CultureInfo.InvariantCulture) ?? "*"}");
                return new HttpRequestMessage(HttpMethod.Put, session) { Content = content };
            }, token).ConfigureAwait(false);
            return await ReadResumableStatusAsync(name, response, token).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Cancels a resumable session (Cloud Storage answers 499); best effort.</summary>
    public async Task CancelResumableAsync(Uri session, string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync("objects.insert", name, () => new HttpRequestMessage(HttpMethod.Delete, session), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// <c>objects.rewrite</c> of one generation of <paramref name="source"/> to <paramref name="destination"/>, calling
    /// again with the rewrite token until Cloud Storage says it is done. With <paramref name="ifGenerationMatch"/> 0 a
    /// destination that exists already answers 412.
    /// </summary>
    public async Task<GcsObject> RewriteAsync(string source, long sourceGeneration, string destination, long? ifGenerationMatch,
        IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        string? rewriteToken = null;
        var resource = ResourceJson(destination, null, metadata);
        while (true)
        {
            var token = rewriteToken;
            var query = $"sourceGeneration={sourceGeneration}" + Precondition(ifGenerationMatch)
                + (token is null ? "" : "&rewriteToken=" + Uri.EscapeDataString(token));
            var step = await retry.ExecuteAsync("objects.rewrite", destination, idempotent: ifGenerationMatch is not null, async attemptToken =>
            {
                using var response = await SendAsync("objects.rewrite", destination, () => new HttpRequestMessage(HttpMethod.Post,
                    new Uri(endpoint, $"{_objects}/{Uri.EscapeDataString(source)}/rewriteTo/b/{Uri.EscapeDataString(bucket)}/o/{Uri.EscapeDataString(destination)}?{query}"))
                {
                    Content = new ByteArrayContent(resource) { Headers = { ContentType = Json } },
                }, attemptToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode) throw await ErrorAsync("objects.rewrite", destination, response, attemptToken).ConfigureAwait(false);
                using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(attemptToken).ConfigureAwait(false),
                    cancellationToken: attemptToken).ConfigureAwait(false);
                var root = json.RootElement;
                var done = root.TryGetProperty("done", out var d) && d.GetBoolean();
                return done
                    ? (Object: GcsObject.Parse(root.GetProperty("resource")), Token: (string?)null)
                    : (Object: (GcsObject?)null, Token: root.GetProperty("rewriteToken").GetString());
            }, cancellationToken).ConfigureAwait(false);
            if (step.Object is not null) return step.Object;
            rewriteToken = step.Token ?? throw new GcsStorageException("objects.rewrite", destination, HttpStatusCode.OK, "an unfinished rewrite came without a rewrite token");
        }
    }

    /// <summary><c>objects.delete</c>; false when there was nothing to delete. Retried only with a generation precondition.</summary>
    public Task<bool> DeleteAsync(string name, long? ifGenerationMatch, CancellationToken cancellationToken) =>
        retry.ExecuteAsync("objects.delete", name, idempotent: ifGenerationMatch is not null, async token =>
        {
            var query = ifGenerationMatch is { } g ? $"ifGenerationMatch={g}" : null;
            using var response = await SendAsync("objects.delete", name, () => new HttpRequestMessage(HttpMethod.Delete, ObjectUri(name, query)), token)
                .ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound) return false;
            if (!response.IsSuccessStatusCode) throw await ErrorAsync("objects.delete", name, response, token).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary><c>objects.list</c> of every object whose name starts with <paramref name="prefix"/>, page by page.</summary>
    public async IAsyncEnumerable<GcsObject> ListAsync(string prefix, int? pageSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? pageToken = null;
        do
        {
            var query = "prefix=" + Uri.EscapeDataString(prefix)
                + (pageSize is { } n ? $"&maxResults={n}" : "")
                + (pageToken is null ? "" : "&pageToken=" + Uri.EscapeDataString(pageToken));
            var page = await retry.ExecuteAsync("objects.list", prefix, idempotent: true, async token =>
            {
                using var response = await SendAsync("objects.list", prefix, () => new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, $"{_objects}?{query}")), token)
                    .ConfigureAwait(false);
                if (!response.IsSuccessStatusCode) throw await ErrorAsync("objects.list", prefix, response, token).ConfigureAwait(false);
                using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), cancellationToken: token)
                    .ConfigureAwait(false);
                var items = json.RootElement.TryGetProperty("items", out var array)
                    ? array.EnumerateArray().Select(GcsObject.Parse).ToList()
                    : [];
                var next = json.RootElement.TryGetProperty("nextPageToken", out var t) ? t.GetString() : null;
                return (Items: items, Next: next);
            }, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items) yield return item;
            pageToken = page.Next;
        }
        while (!string.IsNullOrEmpty(pageToken) && (pageSize is null));
    }

    private Uri ObjectUri(string name, string? query = null) =>
        new(endpoint, $"{_objects}/{Uri.EscapeDataString(name)}" + (query is null ? "" : "?" + query));

    private static string Precondition(long? ifGenerationMatch) =>
        ifGenerationMatch is { } g ? $"&ifGenerationMatch={g}" : "";

    private static byte[] ResourceJson(string name, byte[]? md5, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("contentType", "application/octet-stream");
            if (md5 is not null) json.WriteString("md5Hash", Convert.ToBase64String(md5));
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("metadata");
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private async Task<HttpResponseMessage> SendAsync(string operation, string name, Func<HttpRequestMessage> create, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = create();
        if (credential is not null)
        {
            var accessToken = await credential.GetAccessTokenForRequestAsync(ReadWriteScopeUri, cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        var started = Stopwatch.GetTimestamp();
        var operationTag = new KeyValuePair<string, object?>("operation", operation);
        try
        {
            var response = await http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            GcsDiagnostics.Requests.Add(1, operationTag, new KeyValuePair<string, object?>("status", (int)response.StatusCode));
            return response;
        }
        catch (HttpRequestException)
        {
            GcsDiagnostics.Requests.Add(1, operationTag, new KeyValuePair<string, object?>("status", 0));
            throw;
        }
        finally
        {
            GcsDiagnostics.Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, operationTag);
        }
    }

    private async Task<ResumableStatus> ReadResumableStatusAsync(string name, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if ((int)response.StatusCode == 308)
        {
            // "Range: bytes=0-N" says N+1 bytes are persisted; no Range header says none are.
            long persisted = 0;
            if (response.Headers.TryGetValues("Range", out var values))
            {
                var range = values.First();
                var dash = range.LastIndexOf('-');
                if (dash < 0 || !long.TryParse(range.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var last))
                    throw new GcsStorageException("objects.insert", name, response.StatusCode, $"unreadable Range '{range}' from a resumable session");
                persisted = last + 1;
            }
            return new ResumableStatus(null, persisted);
        }
        return new ResumableStatus(await ReadObjectAsync("objects.insert", name, response, cancellationToken).ConfigureAwait(false), 0);
    }

    private static async Task<GcsObject> ReadObjectAsync(string operation, string name, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(operation, name, response, cancellationToken).ConfigureAwait(false);
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return GcsObject.Parse(json.RootElement);
    }

    /// <summary>The error Cloud Storage described (<c>{"error":{"message":…}}</c>), or the start of its body.</summary>
    internal static async Task<GcsStorageException> ErrorAsync(string operation, string name, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string message;
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            message = body.Length > 500 ? body[..500] : body;
            if (body.TrimStart().StartsWith('{'))
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                    && error.TryGetProperty("message", out var text))
                    message = text.GetString() ?? message;
            }
        }
        catch (Exception e) when (e is JsonException or IOException or HttpRequestException)
        {
            message = response.ReasonPhrase ?? "";
        }
        return new GcsStorageException(operation, name, response.StatusCode, string.IsNullOrWhiteSpace(message) ? response.ReasonPhrase ?? "" : message.Trim());
    }

    /// <summary>Text for logs: what the store talks to.</summary>
    public override string ToString() => $"gs://{bucket} at {endpoint}";
}
