namespace Nixery.Storage.Azure.Tests.Support;

/// <summary>Tests that share one Azurite speaking HTTPS and OAuth.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteWithOAuthCollection : ICollectionFixture<AzuriteWithOAuth>
{
    public const string Name = "azurite with oauth";
}
