using Microsoft.Extensions.Options;
using Nixery.Abstractions.Requests;
using Nixery.Server;

// One program, four verbs: the registry (no arguments, or ASP.NET Core's own such as --urls), "build", "gc" and "popularity".
Func<string, string?> variable = Environment.GetEnvironmentVariable;
try
{
    if (args is ["build", .. var rest])
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        return await BuildCommand.RunAsync(rest, variable, cancel.Token);
    }
    if (args is ["gc", .. var gcArguments])
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        return await GcCommand.RunAsync(gcArguments, variable, cancel.Token);
    }
    if (args is ["popularity", .. var popularityArguments])
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        return await PopularityCommand.RunAsync(popularityArguments, variable, cancel.Token);
    }
    if (args is ["help" or "--help" or "-h", ..])
    {
        Console.WriteLine(BuildCommand.Usage);
        Console.WriteLine();
        Console.WriteLine(GcCommand.Usage);
        Console.WriteLine();
        Console.WriteLine(PopularityCommand.Usage);
        return 0;
    }

    await NixeryServer.Create(args, variable).RunAsync();
    return 0;
}
catch (OptionsValidationException invalid)
{
    // A wrong setting: say which, and exit with EX_CONFIG.
    foreach (var failure in invalid.Failures)
        await Console.Error.WriteLineAsync($"nixery: {EnvironmentSettings.Explain(failure, variable)}");
    return 78;
}
catch (InvalidImageNameException invalid)
{
    await Console.Error.WriteLineAsync($"nixery: {invalid.Message}");
    return 64;
}
