using Nixery.Core.Sbom;

namespace Nixery.Core.Tests.Sbom;

/// <summary>Store path names split into name and version by the rule of Nix's <c>builtins.parseDrvName</c>.</summary>
public sealed class DrvNameTests
{
    [Theory]
    [InlineData("hello-2.12.1", "hello", "2.12.1")]
    [InlineData("bash-interactive-5.2-p15", "bash-interactive", "5.2-p15")]
    [InlineData("glibc-2.37-8-bin", "glibc", "2.37-8-bin")]
    [InlineData("nix-0.4pre", "nix", "0.4pre")]
    [InlineData("iana-etc", "iana-etc", "")]
    [InlineData("busybox", "busybox", "")]
    [InlineData("trailing-", "trailing-", "")]
    [InlineData("double--1", "double", "-1")]
    public void The_version_starts_after_the_first_dash_not_followed_by_a_letter(string storeName, string name, string version) =>
        Assert.Equal(new DrvName(name, version), DrvName.Parse(storeName));
}
