using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Nixery.Testing;

namespace Nixery.Storage.Azure.Tests.Support;

/// <summary>
/// Azurite over HTTPS (a self-signed certificate for 127.0.0.1 made by openssl) with <c>--oauth basic</c>: it then
/// accepts bearer tokens, serves <c>Get User Delegation Key</c> and checks user delegation SAS signatures. Its basic
/// OAuth checks a token's issuer, audience and lifetime but not its signature, so <see cref="UnsignedTokenCredential"/>
/// stands in for Entra ID (which cannot run here).
/// </summary>
public sealed class AzuriteWithOAuth : Azurite
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("nixery-azurite-tls-").FullName;

    public X509Certificate2 Certificate { get; private set; } = null!;

    protected override async Task<(IEnumerable<string> Arguments, string Scheme)> ModeAsync()
    {
        ExternalTool.Require("openssl");
        var (cert, key) = (Path.Combine(_directory, "cert.pem"), Path.Combine(_directory, "key.pem"));
        await ExternalTool.RunCheckedAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert);
        Certificate = X509Certificate2.CreateFromPemFile(cert, key);
        return (["--oauth", "basic", "--cert", cert, "--key", key], "https");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        System.IO.Directory.Delete(_directory, recursive: true);
    }

    /// <summary>An HTTP handler that trusts this emulator's certificate and no other self-signed one.</summary>
    public HttpClientHandler TrustingHandler() => new()
    {
        AllowAutoRedirect = false,
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == Certificate.Thumbprint,
    };

    /// <summary>A backend signing in with a token (no key), as with DefaultAzureCredential, so its SAS are user delegation SAS.</summary>
    public AzureBlobStorage TokenStorage(string container, TokenCredential? credential = null)
    {
        var options = new AzureBlobStorageOptions { AccountUrl = AccountUrl, ContainerName = container };
        credential ??= new UnsignedTokenCredential();
        var clientOptions = AzureClientFactory.ClientOptions(options);
        clientOptions.Transport = new HttpClientTransport(TrustingHandler());
        return new AzureBlobStorage(options, new BlobServiceClient(AccountUrl, credential, clientOptions), NullLogger<AzureBlobStorage>.Instance, credential);
    }
}
