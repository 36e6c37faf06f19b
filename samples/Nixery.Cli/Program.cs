using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nixery.Abstractions;
using Nixery.Abstractions.Building;
using Nixery.Abstractions.Requests;
using Nixery.Abstractions.Storage;
using Nixery.Cli;
using Nixery.Core.DependencyInjection;
using Nixery.Core.Layout;

const string Usage = """
    usage: nixery build NAME[:TAG] --output DIR
           nixery popularity PACKAGE_SET_DIR --output FILE [--attr NAME]... [-- NIX_ARGUMENTS...]

    Builds the image NAME (packages separated by '/', e.g. shell/git) with Nix and writes it as an OCI image
    layout to DIR, tagged TAG (default: latest), e.g. for: skopeo copy oci:DIR:TAG containers-storage:NAME:TAG
    Configured by NIXERY_PKGS_PATH, NIXERY_PKGS_REPO, NIXERY_CHANNEL, STORAGE_PATH, NIX_TIMEOUT, NIX_POPULARITY_URL.

    'popularity' realises every top-level package (or each --attr) of the package set (a directory with default.nix) and writes
    the popularity JSON the server reads (NIX_POPULARITY_URL): {"name-version": number of store paths referring
    to it}. Arguments after '--' go to every Nix call, e.g. -- --option substitute false. NIX_TIMEOUT: per call.
    """;

if (args is ["popularity", var packageSet, "--output" or "-o", var popularityOutput, .. var rest] && IsPopularityTail(rest))
{
    var nixOptions = new Nixery.Core.Nix.NixOptions { Timeout = TimeSpan.FromSeconds(600) };
    if (Environment.GetEnvironmentVariable("NIX_TIMEOUT") is { Length: > 0 } seconds && int.TryParse(seconds, out var s) && s > 0)
    {
        nixOptions.Timeout = TimeSpan.FromSeconds(s);
    }

    var dashDash = Array.IndexOf(rest, "--");
    foreach (var argument in dashDash < 0 ? [] : rest[(dashDash + 1)..])
    {
        nixOptions.ExtraArguments.Add(argument);
    }

    List<string>? attributes = null;
    var flags = dashDash < 0 ? rest : rest[..dashDash];
    for (var i = 0; i + 1 < flags.Length && flags[i] == "--attr"; i += 2)
    {
        (attributes ??= []).Add(flags[i + 1]);
    }

    try
    {
        var counts = await Nixery.Core.Layering.NixPopularity.ComputeAsync(packageSet, attributes, nixOptions);
        await File.WriteAllTextAsync(popularityOutput, System.Text.Json.JsonSerializer.Serialize(counts, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.WriteLine($"popularity of {counts.Count} names written to {popularityOutput}");
        return 0;
    }
    catch (NixeryException error)
    {
        Console.Error.WriteLine($"nixery: {error.Message}");
        return 1;
    }
}

if (args is not ["build", var reference, "--output" or "-o", var output])
{
    Console.Error.WriteLine(Usage);
    return 64;
}

static bool IsPopularityTail(string[] rest)
{
    var i = 0;
    while (i + 1 < rest.Length && rest[i] == "--attr") i += 2;
    return i == rest.Length || rest[i] == "--";
}

var colon = reference.LastIndexOf(':');
var (name, tag) = colon < 0 ? (reference, ImageRequest.LatestTag) : (reference[..colon], reference[(colon + 1)..]);

var services = new ServiceCollection();
services.AddLogging(logging => logging.AddSimpleConsole(console => console.SingleLine = true));
try
{
    EnvironmentSettings.Apply(services.AddNixery(), Environment.GetEnvironmentVariable);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine($"nixery: {error.Message}");
    return 78;
}

await using var provider = services.BuildServiceProvider();
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

try
{
    var request = ImageRequest.Parse(name, tag, provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Nixery.Core.NixeryOptions>>().Value.Requests);
    var result = await provider.GetRequiredService<IImageBuilder>().BuildAsync(request, cancel.Token);
    switch (result)
    {
        case PackagesNotFound missing:
            Console.Error.WriteLine($"nixery: {missing.Message}");
            return 1;
        case BuiltImage image:
            await OciLayoutWriter.WriteAsync(image, provider.GetRequiredService<IBlobStore>(), output, tag, cancel.Token);
            Console.WriteLine($"{image.OciManifest.Digest} {name}:{tag} ({image.Layers.Count} layers) written to {output}");
            return 0;
        default:
            throw new InvalidOperationException($"unexpected build result {result.GetType().Name}");
    }
}
catch (NixeryException error)
{
    Console.Error.WriteLine($"nixery: {error.Message}");
    return 1;
}
