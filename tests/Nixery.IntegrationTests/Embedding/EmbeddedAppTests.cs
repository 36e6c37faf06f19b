using Nixery.Testing;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Nixery.IntegrationTests.Support;

namespace Nixery.IntegrationTests.Embedding;

/// <summary>
/// samples/Nixery.EmbeddedApp, a web app that adds the registry behind its own basic authentication, with real HTTP
/// requests and the real podman.
/// </summary>
public sealed class EmbeddedAppTests(EmbeddedAppServer server) : IClassFixture<EmbeddedAppServer>
{
    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private async Task<HttpResponseMessage> GetAsync(string path, AuthenticationHeaderValue? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = authorization;
        return await server.Client.SendAsync(request);
    }

    private static async Task<JsonElement> AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"expected 401, got {(int)response.StatusCode}: {body}");
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Basic", challenge.Scheme);
        Assert.StartsWith("realm=\"", challenge.Parameter);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("registry/2.0", string.Join(",", response.Headers.GetValues("Docker-Distribution-API-Version")));
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("errors")[0].Clone();
        Assert.Equal("UNAUTHORIZED", error.GetProperty("code").GetString());
        return error;
    }

    [Fact]
    public async Task Anonymous_version_check_gets_401_with_a_basic_challenge_and_the_registry_json_error()
    {
        using var response = await GetAsync("/v2/");
        var error = await AssertUnauthorizedAsync(response);
        Assert.Contains("login", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Anonymous_manifest_request_gets_401_and_builds_nothing()
    {
        // An image no other test asks for, so no recent build of it answers instead of Nix.
        var before = server.Nix.Calls;
        using var response = await GetAsync("/v2/hello/libdemo/manifests/latest");
        await AssertUnauthorizedAsync(response);
        Assert.Equal(before, server.Nix.Calls);

        // The same request signed in does reach Nix (so the count above can fail).
        using var signedIn = await GetAsync("/v2/hello/libdemo/manifests/latest", Basic(EmbeddedAppServer.User, EmbeddedAppServer.Password));
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal(before + 1, server.Nix.Calls);
    }

    [Fact]
    public async Task Wrong_password_gets_401_saying_so()
    {
        using var response = await GetAsync("/v2/", Basic(EmbeddedAppServer.User, "wrong"));
        var error = await AssertUnauthorizedAsync(response);
        Assert.Contains("wrong user name or password", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Unknown_user_and_malformed_credentials_get_401()
    {
        using var unknown = await GetAsync("/v2/", Basic("mallory", EmbeddedAppServer.Password));
        await AssertUnauthorizedAsync(unknown);
        using var malformed = await GetAsync("/v2/", new AuthenticationHeaderValue("Basic", "not base64!"));
        await AssertUnauthorizedAsync(malformed);
    }

    [Fact]
    public async Task Right_credentials_get_200_from_the_version_check()
    {
        using var response = await GetAsync("/v2/", Basic(EmbeddedAppServer.User, EmbeddedAppServer.Password));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_apps_own_home_page_and_status_api_answer_anonymously()
    {
        using var home = await GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal("text/html", home.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"podman login --tls-verify=false {server.Host}", await home.Content.ReadAsStringAsync());

        using var status = await GetAsync("/api/status");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        using var json = JsonDocument.Parse(await status.Content.ReadAsStringAsync());
        Assert.Equal("ok", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("team-tools", json.RootElement.GetProperty("app").GetString());
    }

    [Fact]
    public async Task Podman_login_then_pull_and_run_of_shell_hello_works()
    {
        var authFile = Path.Combine(server.Scratch, $"auth-{Guid.NewGuid():N}.json");
        var image = $"{server.Host}/shell/hello";
        await ExternalTool.RunCheckedAsync("podman", "login", "--tls-verify=false", "--authfile", authFile,
            "-u", EmbeddedAppServer.User, "-p", EmbeddedAppServer.Password, server.Host);
        try
        {
            await ExternalTool.RunCheckedAsync("podman", "pull", "--tls-verify=false", "--authfile", authFile, image);
            var hello = await ExternalTool.RunCheckedAsync("podman", "run", "--rm", image, "hello");
            Assert.Contains("Hello, world!", hello);
        }
        finally
        {
            await ExternalTool.RunAsync("podman", "rmi", "--force", image);
            await ExternalTool.RunAsync("podman", "logout", "--authfile", authFile, server.Host);
        }
    }

    [Fact]
    public async Task Podman_login_with_a_wrong_password_fails()
    {
        var authFile = Path.Combine(server.Scratch, $"auth-{Guid.NewGuid():N}.json");
        var (exitCode, output, error) = await ExternalTool.RunAsync("podman", "login", "--tls-verify=false", "--authfile", authFile,
            "-u", EmbeddedAppServer.User, "-p", "wrong", server.Host);
        Assert.True(exitCode != 0, $"podman login with a wrong password succeeded: {output}");
        Assert.Matches("(?i)unauthorized|invalid username/password", error);
    }

    [Fact]
    public async Task Podman_pull_without_login_fails_with_an_authentication_error()
    {
        // An empty auth file of its own, so that no credentials of the machine's user are sent.
        var authFile = Path.Combine(server.Scratch, $"auth-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(authFile, """{"auths":{}}""");
        var image = $"{server.Host}/shell/hello";
        var (exitCode, output, error) = await ExternalTool.RunAsync("podman", "pull", "--tls-verify=false", "--authfile", authFile, image);
        await ExternalTool.RunAsync("podman", "rmi", "--force", image);
        Assert.True(exitCode != 0, $"podman pulled without credentials: {output}");
        Assert.Matches("(?i)unauthorized|authentication required", error);
    }
}
