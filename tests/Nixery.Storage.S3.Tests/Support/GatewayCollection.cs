namespace Nixery.Storage.S3.Tests.Support;

/// <summary>Tests that share one RADOS Gateway (each uses a bucket of its own).</summary>
[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<RadosGateway>
{
    public const string Name = "rados gateway";
}
