using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Sources;
using Nixery.Abstractions.Storage;
using Nixery.Core;

namespace Nixery.AspNetCore.Registry;

/// <summary>Maps the registry API onto a host's endpoints.</summary>
public static class NixeryEndpointRouteBuilderExtensions
{
    private static readonly string[] ReadMethods = [HttpMethods.Get, HttpMethods.Head];
    private static readonly string[] WriteMethods = [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    /// <summary>
    /// Maps the pull side of the OCI Distribution API under <c>/v2</c>: the version check, manifests by tag (built on
    /// demand) and by digest, blobs with ranges, and tag lists; push and delete answer <c>405 UNSUPPORTED</c>.
    /// Needs the engine from <c>services.AddNixery()</c> with a package source and a blob store; the registry's own
    /// options come from <see cref="NixeryRegistryOptions"/> (<c>services.Configure&lt;NixeryRegistryOptions&gt;</c>).
    /// </summary>
    /// <returns>The <c>/v2</c> route group, for the host's authorization, rate limiting or CORS.</returns>
    /// <exception cref="InvalidOperationException">The engine's services are missing.</exception>
    /// <exception cref="OptionsValidationException">The registry's or the engine's options are not valid.</exception>
    public static RouteGroupBuilder MapNixery(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var builder = services.GetService<IImageBuilder>();
        var store = services.GetService<IBlobStore>();
        if (builder is null || store is null)
            throw new InvalidOperationException(
                "MapNixery() needs the Nixery engine: call services.AddNixery() and choose a blob store on its builder " +
                "(e.g. .UseFileSystemStorage(path)) before building the app." +
                (builder is null ? " IImageBuilder is not registered." : " IBlobStore is not registered."));

        var options = services.GetService<IOptions<NixeryRegistryOptions>>()?.Value ?? new NixeryRegistryOptions();
        NixeryRegistryOptionsValidator.ThrowIfInvalid(options); // mapping happens at start: a bad setting stops it here
        var engineOptions = services.GetRequiredService<IOptions<NixeryOptions>>().Value;
        var stopping = services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var handlers = new RegistryEndpoints(
            new RecentBuilds(builder, options, time, stopping),
            // Both forms of each remembered image.
            new ManifestBytesCache(2 * options.MaxRecentBuilds),
            store,
            engineOptions.Requests,
            services.GetService<IPackageSource>(),
            services.GetRequiredService<ILogger<RegistryEndpoints>>());

        var group = endpoints.MapGroup("/v2");
        group.MapMethods("/", ReadMethods, RegistryEndpoints.ApiVersion).WithDisplayName("Nixery registry: API version");
        group.MapMethods("/{**path}", ReadMethods, handlers.GetAsync).WithDisplayName("Nixery registry: manifests, blobs and tags");
        group.MapMethods("/{**path}", WriteMethods, RegistryEndpoints.Unsupported).WithDisplayName("Nixery registry: push and delete (unsupported)");
        return group;
    }
}
