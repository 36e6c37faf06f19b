namespace Nixery.Storage.Azure.Tests.Support;

/// <summary>Tests that share one Azurite (each uses a container of its own).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<Azurite>
{
    public const string Name = "azurite";
}
