using System.Globalization;
using Nixery.Core.Collection;

namespace Nixery.Server;

/// <summary>
/// <c>nixery gc [--apply] [--retention T] [--grace-period T]</c>: garbage collection of the configured blob store,
/// printing each blob it deletes (or, without <c>--apply</c>, would delete) and the totals.
/// </summary>
internal static class GcCommand
{
    public const string Usage = """
        gc finds the blobs that no image built or served within Nixery:Collection:Retention (30 days) needs and that are
        older than Nixery:Collection:GracePeriod (1 hour), and prints them with their sizes. Nothing is deleted without
        --apply. --retention and --grace-period (e.g. 7.00:00:00, 00:30:00) override the settings for this run. It is
        safe while registries on the same store build and serve.
        """;

    public static async Task<int> RunAsync(string[] args, Func<string, string?> variable, CancellationToken cancellationToken)
    {
        var (apply, retention, grace) = (false, (TimeSpan?)null, (TimeSpan?)null);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--apply":
                    apply = true;
                    break;
                case "--retention" when i + 1 < args.Length && TryParse(args[i + 1], out var value):
                    retention = value;
                    i++;
                    break;
                case "--grace-period" when i + 1 < args.Length && TryParse(args[i + 1], out var value):
                    grace = value;
                    i++;
                    break;
                default:
                    await Console.Error.WriteLineAsync($"nixery gc: unexpected '{args[i]}'\n{Usage}");
                    return 64;
            }
        }

        await using var provider = CommandServices.Create(variable);
        CollectionReport report;
        try
        {
            report = await provider.GetRequiredService<BlobCollector>().CollectAsync(apply, retention, grace, cancellationToken);
        }
        catch (NotSupportedException unsupported)
        {
            await Console.Error.WriteLineAsync($"nixery gc: {unsupported.Message}");
            return 1;
        }

        var verb = apply ? "deleted" : "would delete";
        foreach (var blob in report.Deleted) Console.WriteLine($"{verb} {blob.Digest} {blob.Size}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{verb} {report.Deleted.Count} blobs, {report.BytesDeleted} bytes, and {report.RecordsDeleted} records; kept {report.BlobsKept} blobs, {report.BytesKept} bytes, for {report.ImagesKept} images used within the retention ({report.ImagesExpired} not)"));
        if (!apply && report.Deleted.Count > 0) Console.WriteLine("dry run: nothing was deleted; run with --apply to delete");
        return 0;
    }

    private static bool TryParse(string text, out TimeSpan value) =>
        TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
}
