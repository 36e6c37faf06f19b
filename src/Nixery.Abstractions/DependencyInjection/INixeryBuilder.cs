namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// What <c>services.AddNixery()</c> returns: the host chooses the package source, the storage backend and the layering
/// strategies through extension methods of the packages that own them (<c>UseFileSystemStorage</c> in Nixery.Core,
/// <c>UseGcsStorage</c> in Nixery.Storage.Gcs, …). A package that adds such a method needs only this contract.
/// </summary>
public interface INixeryBuilder
{
    /// <summary>The host's services, where extension methods register what they add.</summary>
    IServiceCollection Services { get; }
}
