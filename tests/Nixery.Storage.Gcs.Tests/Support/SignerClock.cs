using System.Reflection;
using Google.Api.Gax;
using Google.Cloud.Storage.V1;

namespace Nixery.Storage.Gcs.Tests.Support;

/// <summary>
/// Pins the time a <see cref="UrlSigner"/> signs at, so that its URLs can be compared with Google's vectors (whose
/// timestamps are fixed). The library keeps <c>WithClock</c> internal, for its own conformance tests; so do we, for ours.
/// </summary>
internal static class SignerClock
{
    private static readonly MethodInfo WithClock = typeof(UrlSigner).GetMethod("WithClock", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("UrlSigner.WithClock is gone: the library changed how tests fix its clock");

    public static UrlSigner At(this UrlSigner signer, DateTimeOffset instant) => (UrlSigner)WithClock.Invoke(signer, [new Fixed(instant.UtcDateTime)])!;

    private sealed class Fixed(DateTime utc) : IClock
    {
        public DateTime GetCurrentDateTimeUtc() => utc;
    }
}
