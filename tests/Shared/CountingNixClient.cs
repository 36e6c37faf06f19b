using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Sources;
using Nixery.Core.Nix;

namespace Nixery.Testing;

/// <summary>
/// The real <see cref="NixClient"/> with a count of the builds handed to it, so a test can say how many pulls reached
/// Nix (a cache hit, a remembered build or a refused request reaches none). Linked into each test project that counts.
/// </summary>
internal sealed class CountingNixClient(INixClient inner) : INixClient
{
    private int _calls;

    /// <summary>Calls of <see cref="BuildAsync"/> so far, finished or not.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public Task<NixBuildOutcome> BuildAsync(ImageRequest request, PackageSetReference packageSet, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return inner.BuildAsync(request, packageSet, cancellationToken);
    }

    /// <summary>
    /// Makes the host's <see cref="INixClient"/> a counting one around the real client, before or after
    /// <c>AddNixery</c> (which only adds its client when none is registered); resolve <see cref="CountingNixClient"/>
    /// to read the count.
    /// </summary>
    public static IServiceCollection Register(IServiceCollection services)
    {
        services.RemoveAll<INixClient>();
        services.RemoveAll<CountingNixClient>();
        services.AddSingleton(sp => new CountingNixClient(ActivatorUtilities.CreateInstance<NixClient>(sp)));
        services.AddSingleton<INixClient>(sp => sp.GetRequiredService<CountingNixClient>());
        return services;
    }
}
