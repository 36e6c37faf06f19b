using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Nixery.AspNetCore.Tests.Support;

/// <summary>Requests and checks the tests share.</summary>
internal static class RegistryResponses
{
    public const string Oci = "application/vnd.oci.image.manifest.v1+json";
    public const string Docker = "application/vnd.docker.distribution.manifest.v2+json";

    public static HttpRequestMessage Request(HttpMethod method, string path, params string[] accept)
    {
        var request = new HttpRequestMessage(method, path);
        foreach (var type in accept) request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(type));
        return request;
    }

    /// <summary>The OCI manifest of <paramref name="name"/>:latest (built if need be), asserting a 200, and its digest.</summary>
    public static async Task<(string Digest, byte[] Bytes)> OciManifestAsync(HttpClient client, string name)
    {
        using var response = await client.SendAsync(Request(HttpMethod.Get, $"/v2/{name}/manifests/latest", Oci));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"{name}: {(int)response.StatusCode}");
        return (Sha256(bytes), bytes);
    }

    public static string Sha256(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values)
        : throw new Xunit.Sdk.XunitException($"the response has no {name} header");

    /// <summary>Asserts the registry's error form and returns the first error.</summary>
    public static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("errors")[0];
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        return error.Clone();
    }
}
