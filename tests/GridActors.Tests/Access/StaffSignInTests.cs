using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using GridActors.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace GridActors.Tests.Access;

/// <summary>
/// Staff sign in through an OpenID Connect provider (Auth:Jwt:Authority): its token carries the same jurisdiction and
/// roles as an API key. The provider's signing key is given to the gateway here, as its discovery document would.
/// </summary>
public sealed class StaffSignInTests
{
    private const string Issuer = "https://sso.example.gov.cn";
    private const string Audience = "gridactors";
    private static readonly SymmetricSecurityKey Key = new(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());

    [Fact]
    public async Task ASignedTokenActsWithItsJurisdictionAndRoles_AnUnsignedOrForeignOneIsRefused()
    {
        await using var app = GatewayApp.OnSqlite()
            .WithSetting("Auth:Jwt:Authority", Issuer)
            .WithSetting("Auth:Jwt:Audience", Audience)
            .WithTestServices(services => services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
            {
                var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
                configuration.SigningKeys.Add(Key);
                options.Configuration = configuration;
                options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
            }));
        var admin = app.Start();
        await County.Create(admin);
        await admin.PutJson("/api/v1/counties/340823", """{"name":"另一县"}""");

        var reader = Staff(app, Token(Key, County.Code, "reader"));
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync($"/api/v1/counties/{County.Code}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync("/api/v1/counties/340823")).StatusCode);
        await (await reader.PutJson($"/api/v1/townships/{County.Township}", """{"name":"改名"}""")).AssertProblem(403);

        var manager = Staff(app, Token(Key, County.Code, "manager"));
        Assert.Equal(HttpStatusCode.OK, (await manager.PutJson($"/api/v1/townships/{County.Township}", """{"name":"高河镇"}""")).StatusCode);

        var foreign = new SymmetricSecurityKey(Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Staff(app, Token(foreign, County.Code, "manager")).GetAsync($"/api/v1/counties/{County.Code}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Staff(app, Token(Key, County.Code, "reader", expired: true)).GetAsync($"/api/v1/counties/{County.Code}")).StatusCode);
    }

    private static HttpClient Staff(GatewayApp app, string token)
    {
        var client = app.ClientWith(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string Token(SecurityKey key, string jurisdiction, string role, bool expired = false)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim("sub", "staff-1"), new Claim("jurisdiction", jurisdiction), new Claim("roles", role)]),
            NotBefore = now.AddHours(expired ? -3 : -1),
            IssuedAt = now.AddHours(expired ? -3 : -1),
            Expires = expired ? now.AddHours(-2) : now.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}
