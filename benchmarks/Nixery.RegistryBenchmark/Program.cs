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

    case ["backends", .. var rest] when rest is [] or ["--smoke"] or ["--markdown", _] or ["--smoke", "--markdown", _]:
        var table = await Nixery.RegistryBenchmark.Backends.BackendServingBenchmark.RunAsync(
            rest.Contains("--smoke") ? Nixery.RegistryBenchmark.Backends.BackendServingBenchmark.Settings.Smoke : Nixery.RegistryBenchmark.Backends.BackendServingBenchmark.Settings.Full,
            Console.Out, cancel.Token);
        Console.WriteLine();
        Console.WriteLine(table);
        if (rest is [.., "--markdown", var tableFile]) await File.WriteAllTextAsync(tableFile, table, cancel.Token);
        return 0;

    case ["cold-builds", .. var coldArguments] when coldArguments is [] or ["--smoke"] or ["--markdown", _] or ["--smoke", "--markdown", _]:
        var cold = await Nixery.RegistryBenchmark.Building.ColdBuildBenchmark.RunAsync(
            coldArguments.Contains("--smoke") ? Nixery.RegistryBenchmark.Building.ColdBuildBenchmark.Settings.Smoke : Nixery.RegistryBenchmark.Building.ColdBuildBenchmark.Settings.Full,
            Console.Out, cancel.Token);
        Console.WriteLine();
        Console.WriteLine(cold);
        if (coldArguments is [.., "--markdown", var coldFile]) await File.WriteAllTextAsync(coldFile, cold, cancel.Token);
        return 0;

    case [] or ["--smoke"] or ["--markdown", _] or ["--smoke", "--markdown", _]:
        var settings = args.Contains("--smoke") ? BenchmarkSettings.Smoke : BenchmarkSettings.Full;
        var report = await RegistryServingBenchmark.RunAsync(settings, Console.Out, cancel.Token);
        var markdown = report.ToMarkdown();
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (args is [.., "--markdown", var file]) await File.WriteAllTextAsync(file, markdown, cancel.Token);
        return 0;

    default:
        Console.Error.WriteLine(Usage);
        return 64;
}
