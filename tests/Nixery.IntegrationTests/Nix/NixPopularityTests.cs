using Nixery.Core.Layering;
using Nixery.Core.Nix;
using Nixery.Testing;

namespace Nixery.IntegrationTests.Nix;

/// <summary>Popularity data computed through real Nix from the demo package set.</summary>
public sealed class NixPopularityTests : IClassFixture<NixFixture>
{
    private static NixOptions Options() => new() { ExtraArguments = TestNix.OfflineArguments };

    [Fact]
    public async Task Popularity_counts_the_store_paths_referring_to_each_package_and_skips_what_fails()
    {
        // Not every attribute: the demo set's slow-build sleeps for a minute on purpose.
        string[] attributes = ["hello", "bashInteractive", "coreutils", "moreutils", "nano", "libdemo", "broken", "failing-build"];
        var popularity = await NixPopularity.ComputeAsync(RepositoryRoot.DemoPackages, attributes, Options());
        var counts = popularity.Referrers;

        // busybox is what each of the five runnable packages is made of; of these, only hello uses libdemo.
        Assert.Equal(5, counts["busybox-1.35.0"]);
        Assert.Equal(1, counts["libdemo-1.0.0"]);
        Assert.Equal(0, counts["hello-2.12.1"]);
        // The attribute that throws and the one that fails to build leave no trace.
        Assert.DoesNotContain(counts.Keys, name => name.Contains("broken", StringComparison.Ordinal) || name.Contains("failing", StringComparison.Ordinal));
        // Closure counts: busybox is in the closure of all five, libdemo in hello's, hello in no other package's.
        Assert.Equal(counts.Keys, popularity.Closures.Keys);
        Assert.Equal(5, popularity.Closures["busybox-1.35.0"]);
        Assert.Equal(1, popularity.Closures["libdemo-1.0.0"]);
        Assert.Equal(0, popularity.Closures["hello-2.12.1"]);
    }

    [Fact]
    public async Task Popularity_of_named_attributes_counts_only_their_closures()
    {
        var counts = (await NixPopularity.ComputeAsync(RepositoryRoot.DemoPackages, ["hello"], Options())).Referrers;
        Assert.Equal(1, counts["libdemo-1.0.0"]);
        Assert.Equal(1, counts["busybox-1.35.0"]);
        Assert.Equal(0, counts["hello-2.12.1"]); // listed, but nothing refers to hello itself
    }
}
