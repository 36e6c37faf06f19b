using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Sources;
using Nixery.Core;
using Nixery.AspNetCore.IndexPage;
using Nixery.Core.Building;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the registry's index page.</summary>
public static class NixeryIndexPageEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps an HTML page at <paramref name="pattern"/> (default <c>/</c>) saying how to pull from this host (podman,
    /// docker, Kubernetes, with the host name the request used), which package source images are built from, and the
    /// most recent build failures with Nix's messages. Needs <c>services.AddNixery()</c> with a package source.
    /// </summary>
    /// <returns>The endpoint, for the host's authorization or caching.</returns>
    public static RouteHandlerBuilder MapNixeryIndexPage(this IEndpointRouteBuilder endpoints, string pattern = "/")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var failures = services.GetService<BuildFailureLog>()
            ?? throw new InvalidOperationException("MapNixeryIndexPage() needs the Nixery engine: call services.AddNixery() before building the app.");
        var source = services.GetRequiredService<IPackageSource>();
        var options = services.GetRequiredService<IOptions<NixeryOptions>>().Value;
        var page = new IndexPageRenderer(source, failures, options);
        return endpoints.MapGet(pattern, (HttpContext context) => Results.Content(page.Render(context.Request.Host), "text/html; charset=utf-8"))
            .WithDisplayName("Nixery index page");
    }
}
