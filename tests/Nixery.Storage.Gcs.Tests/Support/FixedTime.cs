namespace Nixery.Storage.Gcs.Tests.Support;

/// <summary>A clock stopped at one instant, so that two signers sign the same request.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
