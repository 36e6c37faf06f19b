using System.Net;
using Nixery.AspNetCore.Tests.Support;
using static Nixery.AspNetCore.Tests.Support.RegistryResponses;

namespace Nixery.AspNetCore.Tests.Conformance;

/// <summary>Distribution-spec 1.1, "Determining Support", end-1: <c>GET /v2/</c> is 200.</summary>
[Collection(RegistryCollection.Name)]
public sealed class DeterminingSupportTests(RegistryServer server)
{
    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task The_api_root_is_200_so_clients_know_the_registry_implements_the_spec(string method)
    {
        using var response = await server.Client.SendAsync(Request(new HttpMethod(method), "/v2/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("registry/2.0", Header(response, "Docker-Distribution-API-Version"));
    }
}
