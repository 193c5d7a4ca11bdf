using System.Net;
using GridActors.Tests.Infrastructure;
using static GridActors.Tests.Issues.IssueApi;

namespace GridActors.Tests.Access;

/// <summary>No endpoint takes unbounded input: a body over 1 MB is refused before anything is written.</summary>
public sealed class RequestLimitTests
{
    [Fact]
    public async Task ABodyOverOneMegabyte_Gets413_AndNothingIsWritten()
    {
        await using var app = GatewayApp.OnSqlite();
        var http = app.Start();
        await County.Create(http);
        var title = new string('纠', 400_000); // 1.2 MB of UTF-8
        using var large = app.LargeBodyClientWith(GatewayApp.AdminKey);
        var response = await large.PostJson($"/api/v1/grids/{County.Grid}/issues", $$"""{"category":"neighbour-dispute","title":"{{title}}"}""");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await Queue(http, "grids", County.Grid, "?status=all"));
    }
}
