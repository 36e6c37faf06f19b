using System.Text.Json;
using System.Text.RegularExpressions;
using Nixery.AspNetCore.Tests.Support;
using static Nixery.AspNetCore.Tests.Support.RegistryResponses;

namespace Nixery.AspNetCore.Tests.Conformance;

/// <summary>
/// Distribution-spec 1.1, "Error Codes": every 4xx body is <c>{"errors":[{"code","message","detail"}]}</c>, its code
/// upper-case letters and underscores from the spec's table (or one of the three Docker codes the README lists), its
/// message naming what the client got wrong; and no client mistake is answered with a 5xx.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed partial class ErrorCodesTests(RegistryServer server)
{
    private const string Unknown = "sha256:4444444444444444444444444444444444444444444444444444444444444444";

    /// <summary>code-1 to code-14.</summary>
    private static readonly string[] SpecCodes =
    [
        "BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN", "DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN",
        "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "NAME_INVALID", "NAME_UNKNOWN", "SIZE_INVALID", "UNAUTHORIZED", "DENIED",
        "UNSUPPORTED", "TOOMANYREQUESTS",
    ];

    /// <summary>Docker's, for what the OCI table has no code for (docs/conformance.md says when).</summary>
    private static readonly string[] DockerCodes = ["PAGINATION_NUMBER_INVALID", "UNKNOWN", "UNAVAILABLE"];

    public static TheoryData<string, string, string> Mistakes => new()
    {
        { "GET", "/v2/Hello/manifests/latest", "Hello" },
        { "GET", "/v2/hello/manifests/.INVALID_MANIFEST_NAME", ".INVALID_MANIFEST_NAME" },
        { "GET", "/v2/hello/manifests/sha256:totallywrong", "sha256:totallywrong" },
        { "GET", $"/v2/hello/manifests/{Unknown}", Unknown },
        { "GET", "/v2/hello/nosuchpackage/manifests/latest", "nosuchpackage" },
        { "GET", $"/v2/hello/blobs/{Unknown}", Unknown },
        { "GET", "/v2/hello/blobs/sha256:xyz", "sha256:xyz" },
        { "GET", $"/v2/hello_/blobs/{Unknown}", "hello_" },
        { "GET", "/v2/hello/tags/list?n=abc", "abc" },
        { "GET", "/v2/a//b/tags/list", "a//b" },
        { "GET", $"/v2/Hello/referrers/{Unknown}", "Hello" },
        { "GET", "/v2/hello/referrers/sha256:xyz", "sha256:xyz" },
        { "GET", "/v2/_catalog", "_catalog" },
        { "PUT", "/v2/hello/manifests/latest", "PUT" },
        { "DELETE", $"/v2/hello/blobs/{Unknown}", "DELETE" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task Every_error_is_the_spec_json_with_a_listed_code_and_a_message_naming_the_culprit(string method, string path, string culprit)
    {
        using var response = await server.Client.SendAsync(Request(new HttpMethod(method), path));
        var body = await response.Content.ReadAsStringAsync();

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        var error = Assert.Single(json.RootElement.GetProperty("errors").EnumerateArray());
        var code = error.GetProperty("code").GetString()!;
        Assert.Matches(CodePattern(), code);
        Assert.Contains(code, SpecCodes.Concat(DockerCodes));
        Assert.Contains(culprit, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(error.TryGetProperty("detail", out _), body);
    }

    // Odd requests a client or a scanner may send: each is the client's mistake, never the registry's failure.
    [Theory]
    [InlineData("/v2/hello/manifests/%00")]
    [InlineData("/v2/hello/manifests/sha256:")]
    [InlineData("/v2/hello/manifests/sha256:00000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("/v2/hello/manifests/%E2%9C%93")]
    [InlineData("/v2/%E2%9C%93/manifests/latest")]
    [InlineData("/v2/hello/blobs/sha256:")]
    [InlineData("/v2/hello/blobs/:")]
    [InlineData("/v2/hello/tags/list?n=")]
    [InlineData("/v2/hello/tags/list?n=1&n=2")]
    [InlineData("/v2/hello/tags/list?last=%FF")]
    [InlineData("/v2/hello/referrers/")]
    [InlineData("/v2//manifests/latest")]
    [InlineData("/v2/hello/referrers/sha256:xyz?artifactType=")]
    public async Task No_malformed_request_is_answered_with_a_5xx(string path)
    {
        using var response = await server.Client.GetAsync(path);

        Assert.InRange((int)response.StatusCode, 200, 499);
    }

    [GeneratedRegex("^[A-Z_]+$")]
    private static partial Regex CodePattern();
}
