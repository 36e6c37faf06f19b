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

    Builds the image NAME (packages separated by '/', e.g. shell/git) with Nix and writes it as an OCI image
    layout to DIR, tagged TAG (default: latest), e.g. for: skopeo copy oci:DIR:TAG containers-storage:NAME:TAG
    Configured by NIXERY_PKGS_PATH, NIXERY_PKGS_REPO, NIXERY_CHANNEL, STORAGE_PATH, NIX_TIMEOUT, NIX_POPULARITY_URL.
    """;

if (args is not ["build", var reference, "--output" or "-o", var output])
{
    Console.Error.WriteLine(Usage);
    return 64;
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
