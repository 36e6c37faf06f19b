using System.Net;
using System.Text.Json;
using Nixery.AspNetCore.Tests.Support;
using static Nixery.AspNetCore.Tests.Support.RegistryResponses;

namespace Nixery.AspNetCore.Tests.Registry;

[Collection(RegistryCollection.Name)]
public sealed class ErrorResponseTests(RegistryServer server)
{
    private const string Zeros = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    private HttpClient Client => server.Client;

    public static TheoryData<string, string, int, string> BadRequests => new()
    {
        { "GET", "/v2/Hello/manifests/latest", 404, "NAME_INVALID" },
        { "GET", "/v2/hello/manifests/-bad", 404, "MANIFEST_UNKNOWN" },
        { "GET", "/v2/a//b/manifests/latest", 404, "NAME_INVALID" },
        { "GET", "/v2/hello_/manifests/latest", 404, "NAME_INVALID" },
        { "GET", $"/v2/{new string('a', 256)}/manifests/latest", 404, "NAME_INVALID" },
        { "GET", "/v2/hello/manifests/sha256:xyz", 400, "DIGEST_INVALID" },
        { "GET", "/v2/hello/manifests/md5:d41d8cd98f00b204e9800998ecf8427e", 400, "DIGEST_INVALID" },
        { "GET", $"/v2/hello/manifests/{Zeros}", 404, "MANIFEST_UNKNOWN" },
        { "GET", $"/v2/Hello/blobs/{Zeros}", 404, "NAME_INVALID" },
        { "GET", $"/v2/hello/blobs/{Zeros}", 404, "BLOB_UNKNOWN" },
        { "GET", "/v2/hello/blobs/sha256:xyz", 400, "DIGEST_INVALID" },
        { "GET", $"/v2/hello/blobs/{Zeros.ToUpperInvariant()}", 400, "DIGEST_INVALID" },
        { "GET", "/v2/hello/blobs/latest", 400, "DIGEST_INVALID" },
        { "GET", "/v2/HELLO/tags/list", 404, "NAME_INVALID" },
        { "GET", "/v2/hello/tags/list?n=-1", 400, "PAGINATION_NUMBER_INVALID" },
        { "GET", $"/v2/Hello/referrers/{Zeros}", 400, "NAME_INVALID" },
        { "GET", "/v2/hello", 404, "NAME_UNKNOWN" },
        { "GET", "/v2/hello/manifests", 404, "NAME_UNKNOWN" },
        { "GET", "/v2/hello/layers/latest", 404, "NAME_UNKNOWN" },
        { "GET", "/v2/_catalog", 404, "NAME_UNKNOWN" },
        { "PUT", "/v2/hello/manifests/latest", 405, "UNSUPPORTED" },
        { "DELETE", $"/v2/hello/manifests/{Zeros}", 405, "UNSUPPORTED" },
        { "DELETE", $"/v2/hello/blobs/{Zeros}", 405, "UNSUPPORTED" },
        { "POST", "/v2/hello/blobs/uploads/", 405, "UNSUPPORTED" },
        { "PATCH", "/v2/hello/blobs/uploads/1234", 405, "UNSUPPORTED" },
        { "PUT", $"/v2/hello/blobs/uploads/1234?digest={Zeros}", 405, "UNSUPPORTED" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_names_digests_references_and_methods_get_a_4xx_with_the_registry_error_json(string method, string path, int status, string code)
    {
        using var request = Request(new HttpMethod(method), path);
        if (method is "PUT" or "PATCH" or "POST") request.Content = new ByteArrayContent("{}"u8.ToArray());
        using var response = await Client.SendAsync(request);
        await AssertErrorAsync(response, status, code);
        Assert.Equal("registry/2.0", Header(response, "Docker-Distribution-API-Version"));
    }

    [Theory]
    [InlineData("/v2/Hello/manifests/latest", 404)]
    [InlineData("/v2/hello/manifests/sha256:xyz", 400)]
    [InlineData($"/v2/hello/blobs/{Zeros}", 404)]
    [InlineData("/v2/hello/nosuchpackage/manifests/latest", 404)]
    public async Task Head_errors_have_the_status_and_no_body(string path, int status)
    {
        using var response = await Client.SendAsync(Request(HttpMethod.Head, path));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Unsupported_methods_say_which_ones_are_allowed()
    {
        using var response = await Client.DeleteAsync("/v2/hello/manifests/latest");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Missing_packages_are_manifest_unknown_naming_each_of_them()
    {
        using var response = await Client.GetAsync("/v2/shell/hello/nosuchthing/notthiseither/manifests/latest");
        var error = await AssertErrorAsync(response, 404, "MANIFEST_UNKNOWN");
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains("nosuchthing", message, StringComparison.Ordinal);
        Assert.Contains("notthiseither", message, StringComparison.Ordinal);
        Assert.DoesNotContain("hello", message, StringComparison.Ordinal);
        Assert.Equal(["nosuchthing", "notthiseither"],
            error.GetProperty("detail").GetProperty("packages").EnumerateArray().Select(p => p.GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_package_that_fails_to_evaluate_answers_422_with_nixs_message()
    {
        using var response = await Client.GetAsync("/v2/hello/broken/manifests/latest");
        var error = await AssertErrorAsync(response, 422, "UNKNOWN");
        Assert.Contains("demo: this package is marked broken", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("evaluation", error.GetProperty("detail").GetProperty("kind").GetString());
        Assert.Contains("marked broken", error.GetProperty("detail").GetProperty("nixMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_that_fails_to_build_answers_422_with_nixs_message()
    {
        using var response = await Client.GetAsync("/v2/failing-build/manifests/latest");
        var error = await AssertErrorAsync(response, 422, "UNKNOWN");
        Assert.Equal("build", error.GetProperty("detail").GetProperty("kind").GetString());
        Assert.Contains("failing-build", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v2/hello/broken/manifests/latest")]   // evaluation fails
    [InlineData("/v2/failing-build/manifests/latest")]  // the builder fails
    public async Task A_failed_build_is_not_remembered_so_the_next_pull_tries_again(string path)
    {
        // Counted where the build reaches Nix: a remembered failure (of this or another test) would answer without it.
        var before = server.Nix.Calls;
        using var first = await Client.GetAsync(path);
        Assert.Equal(422, (int)first.StatusCode);
        Assert.Equal(before + 1, server.Nix.Calls);

        using var second = await Client.GetAsync(path);
        Assert.Equal(422, (int)second.StatusCode);
        Assert.Equal(before + 2, server.Nix.Calls);
    }
}
