using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Sources;
using Nixery.Abstractions.Storage;
using Nixery.AspNetCore.Registry;
using Nixery.Core;
using Nixery.Core.Building;
using Nixery.Core.Collection;
using Nixery.Core.Platforms;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the registry API onto a host's endpoints.</summary>
public static class NixeryEndpointRouteBuilderExtensions
{
    private static readonly string[] ReadMethods = [HttpMethods.Get, HttpMethods.Head];
    private static readonly string[] WriteMethods = [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    /// <summary>
    /// Maps the pull side of the OCI Distribution API under <c>/v2</c>: the version check, manifests by tag (built on
    /// demand) and by digest, blobs with ranges, and tag lists; push and delete answer <c>405 UNSUPPORTED</c>.
    /// Needs the engine from <c>services.AddNixery()</c> with a package source and a storage backend; how long built images
    /// are remembered comes from <see cref="NixeryRegistryOptions"/> (<c>Nixery:Registry</c>).
    /// </summary>
    /// <returns>The <c>/v2</c> route group, for the host's authorization, rate limiting or CORS.</returns>
    /// <exception cref="InvalidOperationException">The engine's services are missing, or no package source or storage is configured.</exception>
    /// <exception cref="OptionsValidationException">The registry's or the engine's options are not valid.</exception>
    public static RouteGroupBuilder MapNixery(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var builds = services.GetService<RecentBuilds>()
            ?? throw new InvalidOperationException(
                "MapNixery() needs the Nixery engine: call services.AddNixery() (and choose a package source and a storage backend) before building the app.");

        // Mapping happens at start: a bad setting or a missing choice stops it here, with the message that names it.
        var engineOptions = services.GetRequiredService<IOptions<NixeryOptions>>().Value;
        _ = services.GetRequiredService<IImageBuilder>();
        var handlers = new RegistryEndpoints(
            builds,
            services.GetRequiredService<IBlobStore>(),
            engineOptions.Requests,
            services.GetRequiredService<IOptions<NixeryRegistryOptions>>().Value,
            services.GetRequiredService<IPackageSource>(),
            new RegistryMetrics(services.GetService<IMeterFactory>()),
            services.GetService<ImageRoots>(),
            services.GetRequiredService<ILogger<RegistryEndpoints>>(),
            services.GetService<ImagePlatforms>(),
            services.GetService<ImageIndexBuilds>());

        var group = endpoints.MapGroup("/v2");
        group.MapMethods("/", ReadMethods, RegistryEndpoints.ApiVersion).WithDisplayName("Nixery registry: API version");
        group.MapMethods("/{**path}", ReadMethods, handlers.GetAsync).WithDisplayName("Nixery registry: manifests, blobs and tags");
        group.MapMethods("/{**path}", WriteMethods, RegistryEndpoints.Unsupported).WithDisplayName("Nixery registry: push and delete (unsupported)");
        return group;
    }
}
