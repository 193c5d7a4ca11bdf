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
        var maskedMember = await reader.GetJson($"/api/v1/members/{memberId}");
        Assert.Equal(("139****0001", "1968-**-**"), (maskedMember["phone"].Str(), maskedMember["birthDate"].Str()));
        var maskedHousehold = (await reader.GetJson($"/api/v1/grids/{County.Grid}/households"))["items"]!.AsArray().Single()!;
        Assert.Equal(("董**", "***", "138****1111", "***"), (maskedHousehold["head"].Str(), maskedHousehold["address"].Str(), maskedHousehold["phone"].Str(), maskedHousehold["vulnerability"].Str()));

        var handlerKey = await Key("handler");
        var handler = app.ClientWith(handlerKey);
        var member = await handler.GetJson($"/api/v1/members/{memberId}");
        Assert.Equal(("13955600001", "1968-05-01"), (member["phone"].Str(), member["birthDate"].Str()));
        Assert.Equal("独居老人", (await handler.GetJson($"/api/v1/grids/{County.Grid}/households/{household["id"].Str()}"))["vulnerability"].Str());
        var audit = await admin.GetJson($"/api/v1/audit?county={County.Code}&date=2026-03-02");
        var whats = audit["items"]!.AsArray().Where(e => e!["keyId"].Str() == handlerKey.Split('.')[1]).Select(e => e!["what"].Str()).ToArray();
        Assert.Contains($"member {memberId} phone and birth date", whats);
        Assert.Contains($"household {household["id"].Str()} details", whats);

        var elsewhere = app.ClientWith(await Key("manager", "340823"));
        Assert.Equal(HttpStatusCode.NotFound, (await elsewhere.GetAsync($"/api/v1/members/{memberId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await elsewhere.PostJson($"/api/v1/members/{memberId}/transfer", $$"""{"toGrid":"{{County.Grid2}}","reason":"x"}""")).StatusCode);
    }

    [Fact]
    public async Task HouseholdHeadsAndAddresses_InPartyMemberHomesAndPairingSuggestions_AreMaskedForReaders_ShownAndAuditedForHandlers()
    {
        await using var app = GatewayApp.OnSqlite();
        var admin = app.Start();
        await County.Create(admin);
        var memberId = await PartyApi.CreateMember(admin, County.Grid, "董建国");
        var neighbour = await PartyApi.Created(await admin.PostJson($"/api/v1/grids/{County.Grid}/households",
            """{"head":"李四","address":"董屋组2号","phone":"13800002222","needs":["陪诊"],"vulnerable":false}"""));
        var home = await PartyApi.Created(await admin.PostJson($"/api/v1/grids/{County.Grid}/households",
            $$"""{"head":"张三","address":"董屋组1号","phone":"13800001111","needs":["助农"],"memberIds":["{{memberId}}"],"partyMemberHome":true,"central":true,"servedHouseholds":["{{neighbour["id"].Str()}}"]}"""));
        async Task<(string Id, HttpClient Client)> Key(string role)
        {
            var secret = (await (await admin.PostJson("/api/v1/keys", $$"""{"app":"{{role}}-app","jurisdiction":"{{County.Code}}","roles":["{{role}}"]}""")).Json())["secret"].Str();
            return (secret.Split('.')[1], app.ClientWith(secret));
        }
        var homes = $"/api/v1/villages/{County.Village}/party-member-homes";
        var suggestions = $"/api/v1/grids/{County.Grid}/pairing-suggestions";

        var (_, reader) = await Key("reader");
        var maskedHome = (await reader.GetJson(homes)).Items().Single()!;
        Assert.Equal(("张*", "***"), (maskedHome["head"].Str(), maskedHome["address"].Str()));
        var maskedServed = maskedHome["servedHouseholds"]!.AsArray().Single()!;
        Assert.Equal(("李*", "***"), (maskedServed["head"].Str(), maskedServed["address"].Str()));
        Assert.Equal("董建国", maskedHome["members"]!.AsArray().Single()!["name"].Str()); // a Party member's name is public (亮身份)
        Assert.Equal(["张*", "李*"], (await reader.GetJson(suggestions)).Items().Select(s => s!["head"].Str()).Order().ToArray());

        var (handlerId, handler) = await Key("handler");
        var shownHome = (await handler.GetJson(homes)).Items().Single()!;
        Assert.Equal(("张三", "董屋组1号", "李四", "董屋组2号"), (shownHome["head"].Str(), shownHome["address"].Str(),
            shownHome["servedHouseholds"]![0]!["head"].Str(), shownHome["servedHouseholds"]![0]!["address"].Str()));
        Assert.Equal(["张三", "李四"], (await handler.GetJson(suggestions)).Items().Select(s => s!["head"].Str()).Order().ToArray());

        var audit = await admin.GetJson($"/api/v1/audit?county={County.Code}&date=2026-03-02&limit=200");
        var whats = audit["items"]!.AsArray().Where(e => e!["keyId"].Str() == handlerId).Select(e => e!["what"].Str()).ToArray();
        Assert.Equal(3, whats.Length);
        Assert.Contains(whats, w => w.Contains(home["id"].Str(), StringComparison.Ordinal) && w.Contains("Party member home", StringComparison.Ordinal));
        Assert.Contains(whats, w => w.Contains(neighbour["id"].Str(), StringComparison.Ordinal) && w.Contains("pairing suggestions", StringComparison.Ordinal));
        Assert.DoesNotContain(audit["items"]!.AsArray(), e => e!["app"].Str() == "reader-app");
    }
}
