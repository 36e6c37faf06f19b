using Nixery.Testing;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Nixery.Storage.Gcs.Tests.Support;

/// <summary>
/// An in-process HTTP server on loopback that answers the JSON API calls the store makes the way Google documents them,
/// including what the emulator lacks: resumable uploads over many requests (308 with <c>Range</c>, status queries with
/// <c>Content-Range: bytes */N</c>), <c>ifGenerationMatch</c> preconditions, and rewrites that take several calls
/// (<c>rewriteToken</c>). It injects the failures of Google's retry conformance tests on request: <c>return-503</c>,
/// <c>return-408</c>, <c>return-400</c>, <c>return-401</c>, <c>return-reset-connection</c>, <c>return-503-after-256K</c>,
/// <c>return-broken-stream</c>, <c>return-broken-stream-after-256K</c>. It also plays the IAM Service Account Credentials
/// API's <c>signBlob</c> (operation <c>iam.signBlob</c>), signing with Google's dummy key.
/// </summary>
public sealed class GcsPeer : IAsyncDisposable
{
    public const string BucketName = "peer-bucket";
    private const int Quarter = 256 * 1024;

    private readonly ConcurrentDictionary<string, (byte[] Data, long Generation)> _objects = new();
    private readonly ConcurrentDictionary<string, Session> _sessions = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _faults = new();
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ConcurrentQueue<string> _signedBlobs = new();
    private readonly ConcurrentQueue<byte[]> _signedPayloads = new();
    private long _generation = 1000;
    private WebApplication _app = null!;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>How many bytes one rewrite call copies before answering with a token (default: all).</summary>
    public long RewriteBytesPerCall { get; set; } = long.MaxValue;

    /// <summary>How much of a non-final resumable chunk the peer persists (default: all); Google may persist less.</summary>
    public int? PersistAtMostPerChunk { get; set; }

    /// <summary>Every request: "METHOD operation name [Content-Range]".</summary>
    public IReadOnlyCollection<string> Log => _log;

    public IReadOnlyDictionary<string, (byte[] Data, long Generation)> Objects => _objects;

    /// <summary>The service account IAM signBlob signs as: Google's dummy key beside the V4 vectors.</summary>
    public Google.Apis.Auth.OAuth2.ServiceAccountCredential SignBlobAccount { get; } = GcsTestData.DummyAccount();

    /// <summary>When set, signBlob requires <c>Authorization: Bearer</c> with this token (else 401).</summary>
    public string? ExpectedAccessToken { get; set; }

    /// <summary>The access token the peer's token endpoint (<c>POST /token</c>) grants.</summary>
    public const string IssuedAccessToken = "ya29.peer-issued";

    /// <summary>Whether uploads arrive with a byte changed (as if corrupted on the way): the checksums sent then do not match.</summary>
    public bool CorruptUploads { get; set; }

    /// <summary>Whether the caller lacks <c>iam.serviceAccounts.signBlob</c> (every signBlob answers 403).</summary>
    public bool DenySignBlob { get; set; }

    /// <summary>Every <c>signedBlob</c> signBlob answered (base64), in order.</summary>
    public IReadOnlyCollection<string> SignedBlobs => _signedBlobs;

    /// <summary>Every payload signBlob signed (for V4 URLs: the string to sign), in order.</summary>
    public IReadOnlyCollection<byte[]> SignedPayloads => _signedPayloads;

    public static async Task<GcsPeer> StartAsync()
    {
        var peer = new GcsPeer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Limits.MaxRequestBodySize = null).UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        peer._app = builder.Build();
        peer._app.Run(async context =>
        {
            try
            {
                await peer.HandleAsync(context);
            }
            catch (Exception e) when (e is not OperationCanceledException and not IOException)
            {
                peer._log.Enqueue($"CRASH {context.Request.Method} {context.Request.Path}{context.Request.QueryString}: {e}");
                throw;
            }
        });
        await peer._app.StartAsync();
        peer.Endpoint = new Uri(LoopbackServer.AddressOf(peer._app), "/");
        return peer;
    }

    /// <summary>Queues failures for the next calls of an operation (objects.get, objects.list, objects.insert, objects.delete, objects.rewrite, upload.chunk, media, iam.signBlob).</summary>
    public void Fail(string operation, params string[] instructions)
    {
        var queue = _faults.GetOrAdd(operation, _ => new ConcurrentQueue<string>());
        foreach (var instruction in instructions) queue.Enqueue(instruction);
    }

    public int PendingFaults(string operation) => _faults.TryGetValue(operation, out var queue) ? queue.Count : 0;

    public void Put(string name, byte[] data) => _objects[name] = (data, Interlocked.Increment(ref _generation));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        // The library gzips JSON request bodies, as Cloud Storage accepts.
        if (context.Request.Headers.ContentEncoding.ToString() == "gzip")
            context.Request.Body = new System.IO.Compression.GZipStream(context.Request.Body, System.IO.Compression.CompressionMode.Decompress);
        var raw = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var query = context.Request.Query;
        var path = raw.Split('?')[0];
        var method = context.Request.Method;
        var segments = path.Trim('/').Split('/');

        // /upload/session/{id}
        if (segments is ["upload", "session", var id])
        {
            await ChunkAsync(context, id);
            return;
        }
        // /upload/storage/v1/b/{bucket}/o
        if (segments is ["upload", "storage", "v1", "b", var uploadBucket, "o"] && method == "POST")
        {
            if (!BucketExists(context, uploadBucket)) return;
            await InsertAsync(context);
            return;
        }
        if (segments.Length >= 5 && segments[0] == "storage" && segments[1] == "v1" && segments[2] == "b" && segments[4] == "o")
        {
            if (!BucketExists(context, segments[3])) return;
            if (segments.Length == 5 && method == "GET")
            {
                await ListAsync(context);
                return;
            }
            var name = Uri.UnescapeDataString(segments[5]);
            if (segments.Length == 11 && segments[6] == "rewriteTo")
            {
                await RewriteAsync(context, name, Uri.UnescapeDataString(segments[10]));
                return;
            }
            if (method == "DELETE")
            {
                await DeleteAsync(context, name);
                return;
            }
            if (method == "GET")
            {
                await GetAsync(context, name, query["alt"] == "media");
                return;
            }
        }
        // /{bucket}/{object}: the public (or signed; signatures are not checked here) object URL clients are redirected to.
        if (segments.Length >= 2 && segments[0] == BucketName && method is "GET" or "HEAD")
        {
            var name = string.Join('/', segments.Skip(1).Select(Uri.UnescapeDataString));
            _log.Enqueue($"{method} download {name}");
            if (!_objects.TryGetValue(name, out var item))
            {
                context.Response.StatusCode = 404;
                return;
            }
            context.Response.ContentLength = item.Data.Length;
            if (method == "GET") await context.Response.Body.WriteAsync(item.Data);
            return;
        }
        // /token: an OAuth token endpoint (a test key's token_uri points here), granting IssuedAccessToken.
        if (segments is ["token"] && method == "POST")
        {
            _log.Enqueue("POST oauth.token");
            if (await FaultAsync(context, "oauth.token")) return;
            await WriteJsonAsync(context, new Dictionary<string, object?> { ["access_token"] = IssuedAccessToken, ["expires_in"] = 3600, ["token_type"] = "Bearer" });
            return;
        }
        // /v1/projects/-/serviceAccounts/{email}:signBlob (the IAM Service Account Credentials API).
        if (segments is ["v1", "projects", var project, "serviceAccounts", var target] && target.EndsWith(":signBlob", StringComparison.Ordinal)
            && method == "POST")
        {
            await SignBlobAsync(context, project, Uri.UnescapeDataString(target[..^":signBlob".Length]));
            return;
        }
        _log.Enqueue($"UNHANDLED {method} {raw}");
        context.Response.StatusCode = 501;
    }

    /// <summary>
    /// IAM signBlob as Google documents it: the project must be the <c>-</c> wildcard; the caller's bearer token is
    /// checked (when <see cref="ExpectedAccessToken"/> is set); a caller without <c>iam.serviceAccounts.signBlob</c>, or an
    /// account that does not exist, gets 403 PERMISSION_DENIED; the body is <c>{"payload": base64}</c>; the answer is
    /// <c>{"keyId", "signedBlob"}</c>, RSA-SHA256 (PKCS#1 v1.5) of the payload with the account's key.
    /// </summary>
    private async Task SignBlobAsync(HttpContext context, string project, string account)
    {
        _log.Enqueue($"POST iam.signBlob {account}");
        if (await FaultAsync(context, "iam.signBlob")) return;
        if (ExpectedAccessToken is { } expected && context.Request.Headers.Authorization.ToString() != "Bearer " + expected)
        {
            await ErrorAsync(context, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.");
            return;
        }
        if (project != "-")
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "The project ID must be the '-' wildcard.");
            return;
        }
        if (DenySignBlob || account != SignBlobAccount.Id)
        {
            await ErrorAsync(context, 403, "PERMISSION_DENIED",
                $"Permission 'iam.serviceAccounts.signBlob' denied on resource (or it may not exist).");
            return;
        }
        byte[] payload;
        try
        {
            if (context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true) throw new FormatException("not JSON");
            using var json = await JsonDocument.ParseAsync(context.Request.Body);
            payload = json.RootElement.GetProperty("payload").GetBytesFromBase64();
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "Invalid JSON payload received: " + e.Message);
            return;
        }
        _signedPayloads.Enqueue(payload);
        var signature = SignBlobAccount.CreateSignature(payload);
        _signedBlobs.Enqueue(signature);
        await WriteJsonAsync(context, new Dictionary<string, object?> { ["keyId"] = SignBlobAccount.KeyId, ["signedBlob"] = signature });
    }

    private static async Task ErrorAsync(HttpContext context, int code, string status, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { code, message, status } }));
    }

    private bool BucketExists(HttpContext context, string bucket)
    {
        if (Uri.UnescapeDataString(bucket) == BucketName) return true;
        context.Response.StatusCode = 404;
        context.Response.WriteAsync("""{"error":{"code":404,"message":"The specified bucket does not exist."}}""");
        return false;
    }

    /// <summary>Applies the next queued failure of an operation; true when the request was answered (or cut) by it.</summary>
    /// <param name="brokenBody">For downloads: sends the first N bytes of the real answer (status and headers as for a
    /// whole answer) and cuts the connection, as Google's testbench does for a broken stream; without it, a broken
    /// stream is 100 bytes of nothing.</param>
    private async Task<bool> FaultAsync(HttpContext context, string operation, Func<Task>? after256K = null, Func<int, Task>? brokenBody = null)
    {
        if (!_faults.TryGetValue(operation, out var queue) || !queue.TryDequeue(out var instruction)) return false;
        _log.Enqueue($"FAULT {operation} {instruction}");
        switch (instruction)
        {
            case "return-reset-connection":
                context.Abort();
                return true;
            case "return-503-after-256K" or "return-503-after-8192K" or "return-broken-stream-after-256K" when after256K is not null:
                await after256K();
                return true;
            case "return-broken-stream" when brokenBody is not null:
                await brokenBody(100);
                return true;
            case "return-broken-stream":
                context.Response.StatusCode = 200;
                context.Response.ContentLength = 1 << 20;
                await context.Response.Body.WriteAsync(new byte[100]);
                await context.Response.Body.FlushAsync();
                context.Abort();
                return true;
            default:
                var status = int.Parse(instruction.Split('-')[1], CultureInfo.InvariantCulture);
                context.Response.StatusCode = status;
                await context.Response.WriteAsync(JsonSerializer.Serialize(new { error = new { code = status, message = "injected " + instruction } }));
                return true;
        }
    }

    private async Task GetAsync(HttpContext context, string name, bool media)
    {
        _log.Enqueue($"GET {(media ? "media" : "objects.get")} {name} {context.Request.Headers.Range}");
        if (!_objects.TryGetValue(name, out var item))
        {
            if (await FaultAsync(context, media ? "media" : "objects.get")) return;
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("""{"error":{"code":404,"message":"No such object"}}""");
            return;
        }
        if (!media)
        {
            if (await FaultAsync(context, "objects.get")) return;
            await WriteJsonAsync(context, Resource(name, item.Data, item.Generation));
            return;
        }
        if (context.Request.Query["generation"] is { Count: 1 } g && long.Parse(g[0]!, CultureInfo.InvariantCulture) != item.Generation)
        {
            context.Response.StatusCode = 404;
            return;
        }
        // "bytes=a-", "bytes=a-b" (the library downloads in ranges of its chunk size).
        long from = 0, to = item.Data.Length - 1;
        var ranged = false;
        if (context.Request.Headers.Range.ToString() is { Length: > 0 } range)
        {
            var spec = range["bytes=".Length..].Split('-');
            from = long.Parse(spec[0], CultureInfo.InvariantCulture);
            if (spec[1].Length > 0) to = Math.Min(to, long.Parse(spec[1], CultureInfo.InvariantCulture));
            ranged = true;
        }
        if (from >= item.Data.Length && item.Data.Length > 0)
        {
            context.Response.StatusCode = 416;
            return;
        }
        var body = item.Data.AsMemory((int)from, (int)Math.Max(0, to - from + 1));
        void Headers()
        {
            context.Response.StatusCode = ranged ? 206 : 200;
            if (ranged) context.Response.Headers.ContentRange = $"bytes {from}-{to}/{item.Data.Length}";
            context.Response.Headers["x-goog-hash"] = $"crc32c={Crc32C.Base64(item.Data)},md5={Convert.ToBase64String(MD5.HashData(item.Data))}";
            context.Response.Headers["x-goog-generation"] = item.Generation.ToString(CultureInfo.InvariantCulture);
            context.Response.ContentLength = body.Length;
        }
        async Task SendPartAndBreak(int count)
        {
            Headers();
            await context.Response.Body.WriteAsync(body[..Math.Min(count, body.Length)]);
            await context.Response.Body.FlushAsync();
            context.Abort();
        }
        if (await FaultAsync(context, "media", () => SendPartAndBreak(Quarter), SendPartAndBreak)) return;
        Headers();
        await context.Response.Body.WriteAsync(body);
    }

    private async Task ListAsync(HttpContext context)
    {
        var token = context.Request.Query["pageToken"].ToString();
        _log.Enqueue($"GET objects.list {context.Request.Query["prefix"]} pageToken={token}");
        if (await FaultAsync(context, "objects.list")) return;
        var prefix = context.Request.Query["prefix"].ToString();
        var max = int.TryParse(context.Request.Query["maxResults"], out var m) ? m : 1000;
        // Opaque to the client ("after-N"), so a listing only goes on by sending back the token it was given.
        var skip = token.StartsWith("after-", StringComparison.Ordinal) && int.TryParse(token.AsSpan(6), out var t) ? t : 0;
        var names = _objects.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var page = names.Skip(skip).Take(max).Select(n => Resource(n, _objects[n].Data, _objects[n].Generation)).ToList();
        var result = new Dictionary<string, object?> { ["kind"] = "storage#objects", ["items"] = page };
        if (skip + max < names.Count) result["nextPageToken"] = "after-" + (skip + max).ToString(CultureInfo.InvariantCulture);
        await WriteJsonAsync(context, result);
    }

    private async Task DeleteAsync(HttpContext context, string name)
    {
        _log.Enqueue($"DELETE objects.delete {name}");
        if (await FaultAsync(context, "objects.delete")) return;
        if (!_objects.TryGetValue(name, out var item))
        {
            context.Response.StatusCode = 404;
            return;
        }
        if (!PreconditionHolds(context, item.Generation)) return;
        _objects.TryRemove(name, out _);
        context.Response.StatusCode = 204;
    }

    private async Task InsertAsync(HttpContext context)
    {
        var uploadType = context.Request.Query["uploadType"].ToString();
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (uploadType == "resumable")
        {
            var name = context.Request.Query["name"].ToString();
            if (name.Length == 0 && body.Length > 0)
            {
                using var resourceJson = JsonDocument.Parse(body);
                name = resourceJson.RootElement.GetProperty("name").GetString()!;
            }
            _log.Enqueue($"POST objects.insert resumable {name} {context.Request.QueryString}");
            if (await FaultAsync(context, "objects.insert")) return;
            var id = Guid.NewGuid().ToString("N");
            long? precondition = long.TryParse(context.Request.Query["ifGenerationMatch"], out var p) ? p : null;
            _sessions[id] = new Session(id, name, precondition);
            context.Response.Headers.Location = new Uri(Endpoint, $"upload/session/{id}").AbsoluteUri;
            context.Response.StatusCode = 200;
            return;
        }

        // multipart/related: a JSON resource, then the bytes.
        var boundary = context.Request.ContentType!.Split("boundary=")[1].Trim('"');
        var (resource, data) = SplitMultipart(body, boundary);
        using var json = JsonDocument.Parse(resource);
        var objectName = json.RootElement.GetProperty("name").GetString()!;
        _log.Enqueue($"POST objects.insert multipart {objectName}");
        if (await FaultAsync(context, "objects.insert")) return;
        if (json.RootElement.TryGetProperty("md5Hash", out var md5) && md5.GetString() != Convert.ToBase64String(MD5.HashData(data)))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("""{"error":{"code":400,"message":"Provided MD5 hash does not match"}}""");
            return;
        }
        var existing = _objects.TryGetValue(objectName, out var current) ? current.Generation : 0;
        if (!PreconditionHolds(context, existing)) return;
        var generation = Interlocked.Increment(ref _generation);
        _objects[objectName] = (data, generation);
        await WriteJsonAsync(context, Resource(objectName, data, generation));
    }

    private async Task ChunkAsync(HttpContext context, string id)
    {
        if (!_sessions.TryGetValue(id, out var session))
        {
            context.Response.StatusCode = 404;
            return;
        }
        if (context.Request.Method == "DELETE")
        {
            _log.Enqueue($"DELETE upload.cancel {session.Name}");
            _sessions.TryRemove(id, out _);
            context.Response.StatusCode = 499;
            return;
        }
        var contentRange = context.Request.Headers["Content-Range"].ToString();
        _log.Enqueue($"PUT upload.chunk {session.Name} {contentRange}");
        if (context.Request.Headers["X-Goog-Hash"].ToString() is { Length: > 0 } sentHash) _log.Enqueue($"HASH {session.Name} {sentHash}");
        // "bytes a-b/total", "bytes a-b/*", "bytes */total" or "bytes */*".
        var spec = contentRange["bytes ".Length..];
        var slash = spec.IndexOf('/');
        long? total = spec[(slash + 1)..] == "*" ? null : long.Parse(spec[(slash + 1)..], CultureInfo.InvariantCulture);
        long? first = spec.StartsWith('*') ? null : long.Parse(spec[..spec.IndexOf('-')], CultureInfo.InvariantCulture);

        if (session.Completed is { } done)
        {
            await WriteJsonAsync(context, Resource(session.Name, done.Data, done.Generation));
            return;
        }

        if (first is null)
        {
            // A status query (or the last request of an upload whose bytes all arrived before).
            if (await FaultAsync(context, "upload.status")) return;
            if (total is { } t && t == session.Data.Length)
            {
                await FinishAsync(context, session);
                return;
            }
            await AnswerIncompleteAsync(context, session);
            return;
        }

        // Bytes before what is persisted are ignored; a gap is an error.
        if (first > session.Data.Length)
        {
            context.Response.StatusCode = 400;
            return;
        }
        var fault = await FaultAsync(context, "upload.chunk", async () =>
        {
            // Persist the first 256 KiB of this request, then fail the request.
            var part = new byte[Quarter];
            var read = 0;
            while (read < part.Length)
            {
                var n = await context.Request.Body.ReadAsync(part.AsMemory(read));
                if (n == 0) break;
                read += n;
            }
            Append(session, first.Value, part.AsSpan(0, read));
            context.Response.StatusCode = 503;
        });
        if (fault) return;

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        if (total is null && bytes.Length % Quarter != 0)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("""{"error":{"code":400,"message":"non-final chunks must be multiples of 256 KiB"}}""");
            return;
        }
        if (total is null && PersistAtMostPerChunk is { } most && bytes.Length > most) bytes = bytes[..most];
        Append(session, first.Value, bytes);
        if (total is { } size && session.Data.Length == size)
        {
            await FinishAsync(context, session);
            return;
        }
        await AnswerIncompleteAsync(context, session);
    }

    private static void Append(Session session, long first, ReadOnlySpan<byte> bytes)
    {
        var skip = session.Data.Length - first;
        if (skip < bytes.Length) session.Data.Write(bytes[(int)skip..]);
    }

    private static Task AnswerIncompleteAsync(HttpContext context, Session session)
    {
        context.Response.StatusCode = 308;
        if (session.Data.Length > 0) context.Response.Headers["Range"] = $"bytes=0-{session.Data.Length - 1}";
        return Task.CompletedTask;
    }

    private async Task FinishAsync(HttpContext context, Session session)
    {
        var existing = _objects.TryGetValue(session.Name, out var current) ? current.Generation : 0;
        if (!PreconditionHolds(context, existing, session.IfGenerationMatch)) return;
        var data = session.Data.ToArray();
        if (CorruptUploads && data.Length > 0) data[data.Length / 2] ^= 0x55;
        // The checksums the client sent on the last request (X-Goog-Hash: crc32c=…,md5=…) must match what arrived.
        foreach (var part in context.Request.Headers["X-Goog-Hash"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (kind, sent) = (part[..part.IndexOf('=')], part[(part.IndexOf('=') + 1)..]);
            var actual = kind == "crc32c" ? Crc32C.Base64(data) : kind == "md5" ? Convert.ToBase64String(MD5.HashData(data)) : sent;
            if (actual == sent) continue;
            _log.Enqueue($"REJECTED {session.Name} {kind} {sent} != {actual}");
            _sessions.TryRemove(session.Id, out _);
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", $"Provided {kind.ToUpperInvariant()} \"{sent}\" doesn't match calculated {kind.ToUpperInvariant()} \"{actual}\".");
            return;
        }
        var generation = Interlocked.Increment(ref _generation);
        _objects[session.Name] = (data, generation);
        session.Completed = (data, generation);
        await WriteJsonAsync(context, Resource(session.Name, data, generation));
    }

    private async Task RewriteAsync(HttpContext context, string source, string destination)
    {
        var token = context.Request.Query["rewriteToken"].ToString();
        _log.Enqueue($"POST objects.rewrite {source} -> {destination} token={token}");
        if (await FaultAsync(context, "objects.rewrite")) return;
        if (!_objects.TryGetValue(source, out var item)
            || (long.TryParse(context.Request.Query["sourceGeneration"], out var g) && g != item.Generation))
        {
            context.Response.StatusCode = 404;
            return;
        }
        var existing = _objects.TryGetValue(destination, out var current) ? current.Generation : 0;
        if (!PreconditionHolds(context, existing)) return;
        var done = token.Length == 0 ? 0 : long.Parse(token["copied-".Length..], CultureInfo.InvariantCulture);
        done = Math.Min(item.Data.Length, done + RewriteBytesPerCall);
        if (done < item.Data.Length)
        {
            await WriteJsonAsync(context, new Dictionary<string, object?>
            {
                ["kind"] = "storage#rewriteResponse", ["totalBytesRewritten"] = done.ToString(CultureInfo.InvariantCulture),
                ["objectSize"] = item.Data.Length.ToString(CultureInfo.InvariantCulture), ["done"] = false, ["rewriteToken"] = $"copied-{done}",
            });
            return;
        }
        var generation = Interlocked.Increment(ref _generation);
        _objects[destination] = (item.Data, generation);
        await WriteJsonAsync(context, new Dictionary<string, object?>
        {
            ["kind"] = "storage#rewriteResponse", ["totalBytesRewritten"] = item.Data.Length.ToString(CultureInfo.InvariantCulture),
            ["objectSize"] = item.Data.Length.ToString(CultureInfo.InvariantCulture), ["done"] = true,
            ["resource"] = Resource(destination, item.Data, generation),
        });
    }

    private static bool PreconditionHolds(HttpContext context, long currentGeneration, long? stored = null)
    {
        long? wanted = stored ?? (long.TryParse(context.Request.Query["ifGenerationMatch"], out var w) ? w : null);
        if (wanted is null || wanted == currentGeneration) return true;
        context.Response.StatusCode = 412;
        context.Response.WriteAsync("""{"error":{"code":412,"message":"At least one of the pre-conditions you specified did not hold."}}""");
        return false;
    }

    private static Dictionary<string, object?> Resource(string name, byte[] data, long generation) => new()
    {
        ["kind"] = "storage#object", ["name"] = name, ["bucket"] = BucketName,
        ["generation"] = generation.ToString(CultureInfo.InvariantCulture), ["size"] = data.Length.ToString(CultureInfo.InvariantCulture),
        ["md5Hash"] = Convert.ToBase64String(MD5.HashData(data)), ["crc32c"] = Crc32C.Base64(data),
    };

    private static Task WriteJsonAsync(HttpContext context, object value)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(value));
    }

    private static (byte[] Resource, byte[] Data) SplitMultipart(byte[] body, string boundary)
    {
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var parts = new List<byte[]>();
        var index = body.AsSpan().IndexOf(delimiter);
        while (index >= 0)
        {
            var start = index + delimiter.Length;
            if (body.AsSpan(start).StartsWith("--"u8)) break;
            var next = body.AsSpan(start).IndexOf(delimiter);
            var part = body.AsSpan(start, next).ToArray();
            var headersEnd = part.AsSpan().IndexOf("\r\n\r\n"u8);
            var content = part.AsSpan(headersEnd + 4).ToArray();
            if (content.AsSpan().EndsWith("\r\n"u8)) content = content[..^2];
            parts.Add(content);
            index = start + next;
        }
        return (parts[0], parts[1]);
    }

    private sealed class Session(string id, string name, long? ifGenerationMatch)
    {
        public string Id { get; } = id;
        public string Name { get; } = name;
        public long? IfGenerationMatch { get; } = ifGenerationMatch;
        public MemoryStream Data { get; } = new();
        public (byte[] Data, long Generation)? Completed { get; set; }
    }
}
