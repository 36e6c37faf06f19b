using Nixery.Core.Nix;

namespace Nixery.Testing;

/// <summary>The Nix settings every test runs with. Linked into each test project that runs Nix.</summary>
internal static class TestNix
{
    /// <summary>No binary cache: none is reachable here, and asking one costs seconds of retries per build.</summary>
    public static IList<string> OfflineArguments => ["--option", "substitute", "false"];

    /// <summary>Gives the test its own state directory (expression, GC roots) and keeps Nix off the network.</summary>
    public static void Configure(NixOptions options, string stateDirectory)
    {
        options.StateDirectory = stateDirectory;
        options.ExtraArguments = OfflineArguments;
    }
}
