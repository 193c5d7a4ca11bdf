using System.Net;
using System.Text.Json.Nodes;
using GridActors.Tests.Access;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Issues;

/// <summary>Who did what to an issue is the authenticated caller, recorded by the service, never a body's say-so.</summary>
public sealed class ActorTests(AccessFixture fixture) : IClassFixture<AccessFixture>
{
    [Fact]
    public async Task EveryStepOfAnIssuesHistory_NamesTheKeyAndAppThatTookIt_WhateverTheBodySaysItIs()
    {
        var reporterKey = await fixture.CreateKey(["reporter", "handler"], County.Code);
        var client = fixture.App.ClientWith(reporterKey);
        var keyId = reporterKey.Split('.')[1];
        var reported = await client.PostJson($"/api/v1/grids/{County.Grid}/issues", """{"category":"other","title":"路灯不亮","by":"县长本人"}""");
        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
        var id = (await reported.Json())["id"].Str();
        Assert.Equal(HttpStatusCode.OK, (await client.PostJson($"/api/v1/issues/{id}/accept", """{"by":"别人"}""")).StatusCode);

        var history = (await fixture.Admin.GetJson($"/api/v1/issues/{id}"))["history"]!.AsArray();
        Assert.Equal(2, history.Count);
        foreach (var entry in history)
        {
            Assert.Equal(keyId, entry!["actor"]!["id"].Str());
            Assert.Equal("reporter+handler-app", entry["actor"]!["name"].Str());
        }
        // The body's "by" stays a display note beside the actor.
        Assert.Equal("县长本人", history[0]!["by"].Str());
        Assert.Equal("别人", history[1]!["by"].Str());
    }

    [Fact]
    public async Task AnEscalationByDeadline_IsRecordedAsTheServices()
    {
        Assert.Equal(HttpStatusCode.Created, (await fixture.Admin.PutJson($"/api/v1/counties/{County.Code}/categories/hourly",
            """{"name":"每级一小时","deadlines":{"grid":"PT1H","village":"PT1H","township":"PT1H","county":"PT1H"}}""")).StatusCode);
        var id = await IssueApi.Report(fixture.Admin, County.Grid2, "hourly");
        await IssueApi.Advance(fixture.App, TimeSpan.FromMinutes(61));
        var issue = await IssueApi.WaitUntilHeldBy(fixture.Admin, id, County.Village);
        var escalated = issue["history"]!.AsArray().First(e => e!["to"].Str() == "escalated")!;
        Assert.Equal("service", escalated["actor"]!["id"].Str());
        Assert.Equal("bootstrap", issue["history"]![0]!["actor"]!["id"].Str());
    }
}
