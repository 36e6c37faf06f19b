using Microsoft.Extensions.Options;
using Nixery.Core.Building;

namespace Nixery.Core.Tests.Building;

public sealed class BuildFailureLogTests
{
    [Fact]
    public void The_failure_log_keeps_the_newest_failures_first_up_to_its_capacity()
    {
        var log = new BuildFailureLog(Options.Create(new NixeryOptions { RecentFailuresKept = 2 }));
        for (var i = 0; i < 3; i++)
            log.Record(new BuildFailure(DateTimeOffset.UnixEpoch.AddSeconds(i), $"image{i}", "latest", "build", "failed", null));

        Assert.Equal(["image2", "image1"], log.Recent().Select(f => f.Image));
    }
}
