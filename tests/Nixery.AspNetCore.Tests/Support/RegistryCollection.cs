namespace Nixery.AspNetCore.Tests.Support;

/// <summary>
/// The tests against the real server share one server and run one at a time, so that counting Nix builds through
/// the engine's metric sees only the test's own requests.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RegistryCollection : ICollectionFixture<RegistryServer>
{
    public const string Name = "registry server";
}
