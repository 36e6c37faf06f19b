using Microsoft.Extensions.Options;

namespace Nixery.Core;

/// <summary>Checks <see cref="NixeryOptions"/> at start; messages name the setting by its configuration key.</summary>
internal sealed class NixeryOptionsValidator(string section) : IValidateOptions<NixeryOptions>
{
    /// <summary>Docker allows 125 layers; the symlink layer goes on top of the budget.</summary>
    public const int MaxLayerBudget = 124;

    public ValidateOptionsResult Validate(string? name, NixeryOptions options)
    {
        var failures = new List<string>();
        if (options.LayerBudget is < 1 or > MaxLayerBudget)
            failures.Add($"{section}:LayerBudget must be between 1 and {MaxLayerBudget} (Docker allows 125 layers and the symlink layer is one), not {options.LayerBudget}");
        if (options.MaxConcurrentBuilds < 1)
            failures.Add($"{section}:MaxConcurrentBuilds must be at least 1, not {options.MaxConcurrentBuilds}");
        if (options.MaxQueuedBuilds < 0)
            failures.Add($"{section}:MaxQueuedBuilds must be zero or more, not {options.MaxQueuedBuilds}");
        if (options.BuildRetryAfter <= TimeSpan.Zero)
            failures.Add($"{section}:BuildRetryAfter must be positive, not {options.BuildRetryAfter}");
        if (options.RecentFailuresKept < 0)
            failures.Add($"{section}:RecentFailuresKept must be zero or more, not {options.RecentFailuresKept}");
        if (options.PopularityUrl is { Length: > 0 } url && !IsUsable(url))
            failures.Add($"{section}:PopularityUrl must be an http(s) URL or an existing file, not '{url}'");
        if (options.ClosurePopularityUrl is { Length: > 0 } closureUrl && !IsUsable(closureUrl))
            failures.Add($"{section}:ClosurePopularityUrl must be an http(s) URL or an existing file, not '{closureUrl}'");
        var sources = options.PackageSource.Chosen().ToList();
        if (sources.Count > 1)
            failures.Add($"set only one package source, not {string.Join(" and ", sources.Select(s => $"{section}:PackageSource:{s.Name}"))}");
        if (options.PackageSource.Path is { Length: > 0 } path && !Sources.PackageSourceOptions.IsPackageSet(path))
            failures.Add($"{section}:PackageSource:Path '{Path.GetFullPath(path)}' is not a package set (no such .nix file or directory with default.nix)");
        if (options.PackageSource.Flake is { Length: > 0 } flake && !Sources.FlakeReference.TryParse(flake, out _, out var flakeProblem))
            failures.Add($"{section}:PackageSource:Flake '{flake}' is not a flake reference: {flakeProblem}");
        failures.AddRange(Images.ImageConfigOptionsValidator.Problems(options.Images, $"{section}:Images"));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsUsable(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        || File.Exists(url)
        || (uri?.IsFile == true && File.Exists(uri.LocalPath));
}
