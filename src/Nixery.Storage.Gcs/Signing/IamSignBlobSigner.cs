using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Nixery.Storage.Gcs.Api;

namespace Nixery.Storage.Gcs.Signing;

/// <summary>
/// Signs with the IAM Service Account Credentials API: <c>POST {endpoint}v1/projects/-/serviceAccounts/{email}:signBlob</c>
/// with <c>{"payload": base64}</c>, answered <c>{"keyId", "signedBlob"}</c> (RSA-SHA256 with one of the account's
/// Google-managed keys). For credentials without a private key: the metadata server (GCE, GKE, Cloud Run), workload
/// identity, or a user's login. The caller needs <c>iam.serviceAccounts.signBlob</c> on the account
/// (<c>roles/iam.serviceAccountTokenCreator</c>). Signing is a pure function of its input, so every call is retried on
/// 408, 429, 5xx and dropped connections. Nothing is kept: no signatures, no key ids; the access token is the
/// credential's own (cached and refreshed by <c>Google.Apis.Auth</c>).
/// </summary>
internal sealed class IamSignBlobSigner(HttpClient http, Uri endpoint, string serviceAccount, ITokenAccess? credential, RetryPolicy retry) : IUrlSigner
{
    public const string Operation = "iam.signBlob";

    /// <summary>Google's endpoint of the Service Account Credentials API.</summary>
    public static readonly Uri DefaultEndpoint = new("https://iamcredentials.googleapis.com/");

    /// <summary>The scope signBlob's access token needs (the API accepts <c>cloud-platform</c> or <c>iam</c>).</summary>
    public const string Scope = "https://www.googleapis.com/auth/cloud-platform";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "UTF-8" };

    private readonly Uri _uri = new(endpoint, $"v1/projects/-/serviceAccounts/{Uri.EscapeDataString(serviceAccount)}:signBlob");

    public string ServiceAccount => serviceAccount;

    public string Kind => $"IAM signBlob at {endpoint}";

    public Uri Endpoint => endpoint;

    public Task<byte[]> SignAsync(byte[] data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["payload"] = Convert.ToBase64String(data) });
        return retry.ExecuteAsync(Operation, serviceAccount, idempotent: true, async token =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = new ByteArrayContent(body) { Headers = { ContentType = Json } } };
            if (credential is not null)
            {
                var accessToken = await credential.GetAccessTokenForRequestAsync(endpoint.AbsoluteUri, token).ConfigureAwait(false);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            }
            var started = Stopwatch.GetTimestamp();
            var operationTag = new KeyValuePair<string, object?>("operation", Operation);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, token).ConfigureAwait(false);
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
            using (response)
            {
                GcsDiagnostics.Requests.Add(1, operationTag, new KeyValuePair<string, object?>("status", (int)response.StatusCode));
                if (!response.IsSuccessStatusCode) throw await GcsJsonClient.ErrorAsync(Operation, serviceAccount, response, token).ConfigureAwait(false);
                using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), cancellationToken: token)
                    .ConfigureAwait(false);
                if (!json.RootElement.TryGetProperty("signedBlob", out var signed) || signed.ValueKind != JsonValueKind.String)
                    throw new GcsStorageException(Operation, serviceAccount, response.StatusCode, "the answer has no signedBlob");
                return signed.GetBytesFromBase64();
            }
        }, cancellationToken);
    }
}
