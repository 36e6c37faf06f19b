using System.Net;

namespace Nixery.EmbeddedApp.Tools;

/// <summary>The app's own routes, which have nothing to do with the registry and stay open to everyone.</summary>
internal static class ToolsEndpoints
{
    private static readonly DateTimeOffset StartedAt = DateTimeOffset.UtcNow;

    public static void MapToolsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpRequest request) => Results.Content(HomePage(request.Host.Value ?? "localhost"), "text/html; charset=utf-8"));
        endpoints.MapGet("/api/status", () => Results.Ok(new StatusResponse("team-tools", "ok", StartedAt, "/v2/")));
    }

    private static string HomePage(string host)
    {
        var h = WebUtility.HtmlEncode(host);
        return $"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Team tools</title></head>
            <body>
              <h1>Team tools</h1>
              <p>Status: <a href="/api/status">/api/status</a></p>
              <h2>Container images</h2>
              <p>This app also serves container images built on demand with Nix, to its users only:</p>
              <pre>podman login --tls-verify=false {h}
            podman pull --tls-verify=false {h}/shell/hello
            podman run --rm {h}/shell/hello hello</pre>
            </body>
            </html>
            """;
    }
}
