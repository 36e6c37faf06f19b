using System.Net;
using Azure.Storage.Blobs;
using Nixery.Abstractions.Storage;
using Nixery.Storage.Azure.Tests.Support;

namespace Nixery.Storage.Azure.Tests.Storage;

/// <summary>
/// User delegation SAS against Azurite over HTTPS with OAuth: a backend signing in with a token (no key) gets a user
/// delegation key, signs read-only SAS URLs with it that Azurite accepts, and a tampered one is refused. What cannot
/// run here is Entra ID itself (DefaultAzureCredential's token sources); the token is an unsigned one Azurite accepts.
/// </summary>
[Collection(AzuriteWithOAuthCollection.Name)]
public sealed class UserDelegationSasTests(AzuriteWithOAuth azurite)
{
    private async Task<string> ContainerAsync()
    {
        var name = $"ud-{Guid.NewGuid():N}"[..24];
        var storage = azurite.TokenStorage(name);
        await storage.Container.CreateAsync();
        return name;
    }

    [Fact]
    public async Task A_token_identity_passes_the_start_up_check_and_redirects_to_a_user_delegation_sas_that_reads_and_refuses_tampering()
    {
        var name = await ContainerAsync();
        var storage = azurite.TokenStorage(name);
        await storage.CheckNowAsync();
        await storage.PutAsync("records/ud", "delegated"u8.ToArray(), replace: true, CancellationToken.None);

        var url = (await storage.GetRedirectAsync("records/ud", HttpMethod.Get, CancellationToken.None))!;
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        Assert.Equal("r", query["sp"]);
        Assert.Equal("https", query["spr"]);
        Assert.Equal(UnsignedTokenCredential.ObjectId, query["skoid"]);
        Assert.Equal(UnsignedTokenCredential.TenantId, query["sktid"]);

        using var http = new HttpClient(azurite.TrustingHandler());
        Assert.Equal("delegated", await http.GetStringAsync(url));
        var tampered = url.ToString().Replace("sp=r", "sp=rw", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(tampered)).StatusCode);
        var otherBlob = url.ToString().Replace("records/ud", "records/ue", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(otherBlob)).StatusCode);
    }

    [Fact]
    public async Task The_delegation_key_is_reused_across_redirects()
    {
        var name = await ContainerAsync();
        var storage = azurite.TokenStorage(name);
        await storage.PutAsync("records/a", "a"u8.ToArray(), replace: true, CancellationToken.None);
        var first = System.Web.HttpUtility.ParseQueryString((await storage.GetRedirectAsync("records/a", HttpMethod.Get, CancellationToken.None))!.Query);
        var second = System.Web.HttpUtility.ParseQueryString((await storage.GetRedirectAsync("records/a", HttpMethod.Head, CancellationToken.None))!.Query);
        Assert.Equal(first["skt"], second["skt"]);
        Assert.Equal(first["ske"], second["ske"]);
    }

    [Fact]
    public async Task Without_a_delegation_key_a_blob_is_streamed_instead_of_redirected()
    {
        var name = await ContainerAsync();
        await azurite.TokenStorage(name).PutAsync("records/s", "s"u8.ToArray(), replace: true, CancellationToken.None);
        var refused = azurite.TokenStorage(name, new UnsignedTokenCredential(audience: "https://management.azure.com"));
        Assert.Null(await refused.GetRedirectAsync("records/s", HttpMethod.Get, CancellationToken.None));
    }

    [Fact]
    public async Task A_refused_token_is_named_as_a_credential_problem()
    {
        var name = await ContainerAsync();
        var storage = azurite.TokenStorage(name, new UnsignedTokenCredential(audience: "https://management.azure.com"));
        var error = await Assert.ThrowsAsync<AzureStartupException>(() => storage.CheckNowAsync());
        Assert.Equal(AzureStartupProblem.Credentials, error.Problem);
        Assert.Contains("DefaultAzureCredential", error.Message, StringComparison.Ordinal);
    }
}
