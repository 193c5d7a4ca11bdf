using System.Net;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Access;

public sealed class OperatorAccessTests
{
    [Fact]
    public async Task Dashboard_SwitchedOn_IsOnlyForTheAdminRole()
    {
        await using var app = GatewayApp.OnSqlite().WithSetting("Dashboard:Enabled", "true");
        var admin = app.Start();
        var reader = (await (await admin.PostJson("/api/v1/keys", """{"app":"r","jurisdiction":"34","roles":["reader"]}""")).Json())["secret"].Str();

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWith(null).GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientWith(reader).GetAsync("/dashboard/")).StatusCode);
        var page = await admin.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("html", page.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ByDefault_ThereIsNoDashboard_AndTheApiWorks()
    {
        await using var app = GatewayApp.OnSqlite();
        var admin = app.Start();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PutJson("/api/v1/counties/340822", """{"name":"怀宁县"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/counties/340822")).StatusCode);
    }

    [Fact]
    public async Task WithoutAConfiguredKey_TheEmbeddedServiceMakesOneInItsDataFolder_AndKeepsIt()
    {
        await using var first = GatewayApp.OnSqlite();
        ((Dictionary<string, string?>)first.Settings)["Auth:BootstrapAdminKey"] = "";
        first.Start();
        var file = Path.Combine(first.Settings["Storage:DataDirectory"]!, "bootstrap-admin-key");
        Assert.True(File.Exists(file));
        var key = (await File.ReadAllTextAsync(file)).Trim();
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        Assert.Equal(HttpStatusCode.Created, (await first.ClientWith(key).PutJson("/api/v1/counties/340822", """{"name":"怀宁县"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.ClientWith(GatewayApp.AdminKey).GetAsync("/api/v1/counties/340822")).StatusCode);
        await first.DisposeAsync();

        await using var second = first.Restarted();
        second.Start();
        Assert.Equal(HttpStatusCode.OK, (await second.ClientWith(key).GetAsync("/api/v1/counties/340822")).StatusCode);
    }
}
