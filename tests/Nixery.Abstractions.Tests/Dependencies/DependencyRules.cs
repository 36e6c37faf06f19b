namespace Nixery.Abstractions.Tests.Dependencies;

/// <summary>
/// Which package may depend on which, as docs/architecture.md lays them out: the contracts depend on nothing of ours, the
/// layering on the contracts only, the engine on no web host and no cloud SDK, a storage backend on the contracts and its
/// own cloud's SDK only, the Redis coordinator on the contracts and its lock library, the web layer on the engine. Every
/// project under <c>src/</c> must have a rule.
/// </summary>
internal static class DependencyRules
{
    private static readonly string[] CloudSdkPrefixes = ["Google.", "AWSSDK.", "Amazon.", "Azure."];

    /// <summary>The cloud SDK prefixes each storage backend may use.</summary>
    private static readonly Dictionary<string, string[]> BackendSdks = new(StringComparer.Ordinal)
    {
        ["Nixery.Storage.Gcs"] = ["Google."],
        ["Nixery.Storage.S3"] = ["AWSSDK.", "Amazon."],
        ["Nixery.Storage.Azure"] = ["Azure."],
    };

    /// <summary>Every rule the project breaks, as sentences naming the reference.</summary>
    public static IEnumerable<string> Violations(PackageProject project)
    {
        var name = project.Name;
        IReadOnlyList<string> allowedProjects;
        Func<string, bool> allowedPackage;
        var web = project.Frameworks.Contains("Microsoft.AspNetCore.App");
        switch (name)
        {
            case "Nixery.Abstractions":
                allowedProjects = [];
                allowedPackage = p => p.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) && p.EndsWith(".Abstractions", StringComparison.Ordinal);
                break;
            case "Nixery.Layering":
                allowedProjects = ["Nixery.Abstractions"];
                allowedPackage = p => p.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal);
                break;
            case "Nixery.Core":
                allowedProjects = ["Nixery.Abstractions", "Nixery.Layering"];
                allowedPackage = p => !IsCloudSdk(p);
                break;
            case "Nixery.AspNetCore":
                allowedProjects = ["Nixery.Abstractions", "Nixery.Layering", "Nixery.Core"];
                allowedPackage = p => !IsCloudSdk(p);
                web = false; // the web layer is where the web host belongs
                break;
            case "Nixery.Storage.Testing":
                allowedProjects = ["Nixery.Abstractions", "Nixery.Core"];
                allowedPackage = p => !IsCloudSdk(p);
                break;
            case "Nixery.Coordination.Redis":
                allowedProjects = ["Nixery.Abstractions"];
                allowedPackage = p => p.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)
                    || p.StartsWith("DistributedLock.", StringComparison.Ordinal) || p == "StackExchange.Redis";
                break;
            case var backend when BackendSdks.TryGetValue(backend, out var sdks):
                allowedProjects = ["Nixery.Abstractions"];
                allowedPackage = p => p.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) || sdks.Any(s => p.StartsWith(s, StringComparison.Ordinal));
                break;
            default:
                yield return $"{name} has no dependency rule: add one to DependencyRules (a new storage backend goes into BackendSdks)";
                yield break;
        }

        foreach (var reference in project.Projects.Where(p => !allowedProjects.Contains(p)))
            yield return $"{name} references the project {reference}; it may reference only {(allowedProjects.Count == 0 ? "no project of ours" : string.Join(", ", allowedProjects))}";
        foreach (var package in project.Packages.Where(p => !allowedPackage(p)))
            yield return $"{name} references the package {package}, which its rule does not allow";
        if (web)
            yield return $"{name} references the ASP.NET Core shared framework; only Nixery.AspNetCore may host the web";
    }

    private static bool IsCloudSdk(string package) => CloudSdkPrefixes.Any(prefix => package.StartsWith(prefix, StringComparison.Ordinal));
}
