using Nixery.Testing;

namespace Nixery.Abstractions.Tests.Dependencies;

public class DependencyRuleTests
{
    private static IEnumerable<string> SourceProjects() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "src"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    [Fact]
    public void Every_project_under_src_keeps_the_dependency_rules()
    {
        var projects = SourceProjects().Select(PackageProject.Read).ToList();
        Assert.Contains(projects, p => p.Name == "Nixery.Storage.Gcs"); // the walk found the projects
        Assert.Empty(projects.SelectMany(DependencyRules.Violations));
    }

    [Fact]
    public void A_backend_that_references_the_engine_breaks_the_rules()
    {
        var backend = new PackageProject("Nixery.Storage.Gcs", ["Nixery.Abstractions", "Nixery.Core"], ["Google.Cloud.Storage.V1", "AWSSDK.S3"], []);
        var violations = DependencyRules.Violations(backend).ToList();
        Assert.Contains(violations, v => v.Contains("the project Nixery.Core", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("the package AWSSDK.S3", StringComparison.Ordinal));
        Assert.Equal(2, violations.Count);
    }

    [Fact]
    public void An_engine_with_a_web_host_or_a_cloud_sdk_breaks_the_rules()
    {
        var core = new PackageProject("Nixery.Core", ["Nixery.Abstractions", "Nixery.Layering"], ["Azure.Storage.Blobs"], ["Microsoft.AspNetCore.App"]);
        Assert.Equal(2, DependencyRules.Violations(core).Count());
    }

    [Fact]
    public void Contracts_that_reference_anything_of_ours_or_a_non_abstractions_package_break_the_rules()
    {
        var contracts = new PackageProject("Nixery.Abstractions", ["Nixery.Layering"], ["Microsoft.Extensions.Options"], []);
        Assert.Equal(2, DependencyRules.Violations(contracts).Count());
        var layering = new PackageProject("Nixery.Layering", ["Nixery.Core"], [], []);
        Assert.Single(DependencyRules.Violations(layering));
    }

    [Fact]
    public void A_new_project_without_a_rule_is_reported()
    {
        var violation = Assert.Single(DependencyRules.Violations(new PackageProject("Nixery.Storage.Ftp", ["Nixery.Abstractions"], [], [])));
        Assert.Contains("has no dependency rule", violation, StringComparison.Ordinal);
    }
}
