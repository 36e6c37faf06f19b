using Nixery.RegistryBenchmark.Backends;
using Nixery.RegistryBenchmark.Building;
using Nixery.RegistryBenchmark.Measuring;
using Nixery.RegistryBenchmark.Serving;

const string Usage = """
    usage: Nixery.RegistryBenchmark [--smoke] [--markdown FILE]
           Nixery.RegistryBenchmark backends [--smoke] [--markdown FILE]
           Nixery.RegistryBenchmark cold-builds [--smoke] [--markdown FILE]
           Nixery.RegistryBenchmark serve --packages DIR --storage DIR --state DIR

    Measures this registry and docker-registry serving the same image, alternately, with wrk: warm manifest GETs by
    tag (32 connections) and downloads of a 200 MB layer, 3 rounds of 10 s each. --smoke runs a few seconds and only
    proves the pipeline works. `backends` downloads a 200 MB layer through the standalone server on each storage backend
    (filesystem, and each cloud backend on its emulator, streamed and redirected), alternately, 3 rounds of 10 s; it
    needs samples/Nixery.Server built in Release. `cold-builds` times a cold build in the standalone server of an image
    whose closure is in the Nix store against bare nix-build of its attributes, in turn, 40 rounds. `serve` is the registry process the benchmark starts.
    Needs nix-bin, docker-registry, skopeo and wrk (Debian packages).
    """;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

switch (args)
{
    case ["serve", "--packages", var packages, "--storage", var storage, "--state", var state]:
        return await BenchmarkRegistryHost.ServeAsync(packages, storage, state, cancel.Token);

    case ["backends", .. var rest] when IsTableOptions(rest):
        return await PrintAsync(rest, smoke => BackendServingBenchmark.RunAsync(
            smoke ? BackendServingBenchmark.Settings.Smoke : BackendServingBenchmark.Settings.Full, Console.Out, cancel.Token));

    case ["cold-builds", .. var rest] when IsTableOptions(rest):
        return await PrintAsync(rest, smoke => ColdBuildBenchmark.RunAsync(
            smoke ? ColdBuildBenchmark.Settings.Smoke : ColdBuildBenchmark.Settings.Full, Console.Out, cancel.Token));

    case var rest when IsTableOptions(rest):
        return await PrintAsync(rest, async smoke =>
            (await RegistryServingBenchmark.RunAsync(smoke ? BenchmarkSettings.Smoke : BenchmarkSettings.Full, Console.Out, cancel.Token)).ToMarkdown());

    default:
        Console.Error.WriteLine(Usage);
        return 64;
}

static bool IsTableOptions(string[] options) => options is [] or ["--smoke"] or ["--markdown", _] or ["--smoke", "--markdown", _];

// Runs a benchmark (in its smoke mode with --smoke), prints its Markdown table and writes it to the --markdown file.
async Task<int> PrintAsync(string[] options, Func<bool, Task<string>> run)
{
    var table = await run(options.Contains("--smoke"));
    Console.WriteLine();
    Console.WriteLine(table);
    if (options is [.., "--markdown", var file]) await File.WriteAllTextAsync(file, table, cancel.Token);
    return 0;
}
