using System.Net;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Party;

namespace GridActors.Tests.Access;

public sealed class PartyPrivacyTests
{
    [Fact]
    public async Task MemberPhonesAndHouseholdDetails_AreMaskedForReaders_ShownAndAuditedForHandlers_AndHiddenOutsideTheJurisdiction()
    {
        await using var app = GatewayApp.OnSqlite();
        var admin = app.Start();
        await County.Create(admin);
        var memberId = await PartyApi.CreateMember(admin, County.Grid, "董建国");
        var household = await PartyApi.Created(await admin.PostJson($"/api/v1/grids/{County.Grid}/households",
            """{"head":"董大爷","address":"董屋组12号","phone":"13800001111","size":2,"needs":[],"vulnerable":true,"vulnerability":"独居老人","memberIds":[],"partyMemberHome":false,"central":false,"servedHouseholds":[]}"""));
        async Task<string> Key(string role, string jurisdiction = County.Code) =>
            (await (await admin.PostJson("/api/v1/keys", $$"""{"app":"{{role}}-{{jurisdiction}}","jurisdiction":"{{jurisdiction}}","roles":["{{role}}"]}""")).Json())["secret"].Str();

        var reader = app.ClientWith(await Key("reader"));
        Assert.Equal("139****0001", (await reader.GetJson($"/api/v1/members/{memberId}"))["phone"].Str());
        var maskedHousehold = (await reader.GetJson($"/api/v1/grids/{County.Grid}/households"))["items"]!.AsArray().Single()!;
        Assert.Equal(("董**", "***", "138****1111", "***"), (maskedHousehold["head"].Str(), maskedHousehold["address"].Str(), maskedHousehold["phone"].Str(), maskedHousehold["vulnerability"].Str()));

        var handlerKey = await Key("handler");
        var handler = app.ClientWith(handlerKey);
        Assert.Equal("13955600001", (await handler.GetJson($"/api/v1/members/{memberId}"))["phone"].Str());
        Assert.Equal("独居老人", (await handler.GetJson($"/api/v1/grids/{County.Grid}/households/{household["id"].Str()}"))["vulnerability"].Str());
        var audit = await admin.GetJson($"/api/v1/audit?county={County.Code}&date=2026-03-02");
        var whats = audit["items"]!.AsArray().Where(e => e!["keyId"].Str() == handlerKey.Split('.')[1]).Select(e => e!["what"].Str()).ToArray();
        Assert.Contains($"member {memberId} phone", whats);
        Assert.Contains($"household {household["id"].Str()} details", whats);

        var elsewhere = app.ClientWith(await Key("manager", "340823"));
        Assert.Equal(HttpStatusCode.NotFound, (await elsewhere.GetAsync($"/api/v1/members/{memberId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await elsewhere.PostJson($"/api/v1/members/{memberId}/transfer", $$"""{"toGrid":"{{County.Grid2}}","reason":"x"}""")).StatusCode);
    }
}
