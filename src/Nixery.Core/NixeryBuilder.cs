using Microsoft.Extensions.DependencyInjection;

namespace Nixery.Core;

/// <summary>The <see cref="INixeryBuilder"/> that <c>AddNixery</c> returns.</summary>
internal sealed class NixeryBuilder(IServiceCollection services) : INixeryBuilder
{
    public IServiceCollection Services { get; } = services;
}
