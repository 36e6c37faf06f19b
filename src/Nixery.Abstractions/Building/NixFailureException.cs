namespace Nixery.Abstractions.Building;

/// <summary>A Nix call that failed for a reason other than missing packages; carries what Nix said.</summary>
public sealed class NixFailureException(NixFailureKind kind, string nixMessage, string? detail = null)
    : NixeryException(Describe(kind, nixMessage, detail))
{
    /// <summary>What kind of failure this was.</summary>
    public NixFailureKind Kind { get; } = kind;

    /// <summary>Nix's own message (its standard error, trimmed), for error reports.</summary>
    public string NixMessage { get; } = nixMessage;

    private static string Describe(NixFailureKind kind, string message, string? detail)
    {
        var what = kind switch
        {
            NixFailureKind.Evaluation => "Nix could not evaluate the image's packages",
            NixFailureKind.Build => "Nix could not build the image's packages",
            NixFailureKind.Timeout => "Nix did not finish in time",
            _ => "Nix could not be run",
        };
        if (detail is not null) what += $" ({detail})";
        return string.IsNullOrWhiteSpace(message) ? what : $"{what}: {message}";
    }
}
