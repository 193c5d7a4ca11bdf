using System.Text.Json;
using GridActors.Tests.Infrastructure;

namespace GridActors.Tests.Leadership;

/// <summary>Builds term bodies the way a county's form would send them.</summary>
internal static class Slates
{
    public static string Cadre(string name, string gender, string birthDate, string education, bool partyMember, params string[] roles) =>
        JsonSerializer.Serialize(new { name, gender, birthDate, education, partyMember, roles });

    public static string Term(string electedOn, params string[] cadres) =>
        $$"""{"electedOn":"{{electedOn}}","cadres":[{{string.Join(",", cadres)}}]}""";

    /// <summary>Registers a county with its townships and villages (all of kind village).</summary>
    public static async Task Units(HttpClient http, string county, params string[] villages)
    {
        await Ok(http.PutJson($"/api/v1/counties/{county}", """{"name":"测试县"}"""));
        foreach (var township in villages.Select(v => v[..9]).Distinct())
        {
            await Ok(http.PutJson($"/api/v1/townships/{township}", """{"name":"测试镇"}"""));
        }
        foreach (var village in villages)
        {
            await Ok(http.PutJson($"/api/v1/villages/{village}", """{"name":"测试村","kind":"village"}"""));
        }
    }

    public static async Task Ok(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}

/// <summary>
/// One gateway for the leadership API tests, with a county whose figures were worked out by hand
/// (<see cref="HandWorked"/>). Tests that change terms use counties of their own.
/// </summary>
public sealed class LeadershipFixture : IAsyncLifetime
{
    public GatewayApp App { get; } = GatewayApp.OnSqlite();
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Http = App.Start();
        await County.Create(Http);
        await HandWorked.Load(Http);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class LeadershipCollection : ICollectionFixture<LeadershipFixture>
{
    public const string Name = "Leadership API";
}

/// <summary>
/// County 340824: township A (340824100) with villages A1, A2, A3 and township B (340824101) with village B1.
/// Terms 2021 for all four; 2018 for A1 and B1 only. Every figure below was counted by hand.
/// </summary>
internal static class HandWorked
{
    public const string County = "340824";
    public const string TownshipA = "340824100";
    public const string TownshipB = "340824101";
    public const string A1 = "340824100201";
    public const string A2 = "340824100202";
    public const string A3 = "340824100203";
    public const string B1 = "340824101201";

    // 2021, A1, elected 2021-01-10. Age = whole years on that day.
    //   张伟  m 1975-03-01 45 (birthday not yet) bachelor  Secretary+Director      cross, college   ← one-shoulder
    //   李娜  f 1990-01-10 31 (birthday that day) college  DeputySecretary+DeputyDirector cross, college
    //   王强  m 1968-06-30 52  senior      branchCommitteeMember
    //   赵敏  f 1996-02-01 24  vocational  villageCommitteeMember (not a Party member)
    //   陈刚  m 1962-12-31 58  junior      villageCommitteeMember (not a Party member)
    //   5 cadres, 2 cross, ages 45+31+52+24+58 = 210, secretary 45, college 2, women 2
    public static readonly string A1Of2021 = Slates.Term("2021-01-10",
        Slates.Cadre("张伟", "male", "1975-03-01", "bachelor", true, "branchSecretary", "villageDirector"),
        Slates.Cadre("李娜", "female", "1990-01-10", "college", true, "branchDeputySecretary", "villageDeputyDirector"),
        Slates.Cadre("王强", "male", "1968-06-30", "senior", true, "branchCommitteeMember"),
        Slates.Cadre("赵敏", "female", "1996-02-01", "vocational", false, "villageCommitteeMember"),
        Slates.Cadre("陈刚", "male", "1962-12-31", "junior", false, "villageCommitteeMember"));

    // 2021, A2, elected 2021-01-12: the director is not the secretary.
    //   刘洋  m 1980-01-12 41 (birthday that day) college  Secretary               college
    //   孙丽  f 1985-05-20 35  senior   branchCommitteeMember+villageDirector   cross
    //   周杰  m 1970-01-13 50 (birthday the next day) primary villageCommitteeMember
    //   3 cadres, 1 cross, ages 41+35+50 = 126, secretary 41, college 1, women 1
    public static readonly string A2Of2021 = Slates.Term("2021-01-12",
        Slates.Cadre("刘洋", "male", "1980-01-12", "college", true, "branchSecretary"),
        Slates.Cadre("孙丽", "female", "1985-05-20", "senior", true, "branchCommitteeMember", "villageDirector"),
        Slates.Cadre("周杰", "male", "1970-01-13", "primary", false, "villageCommitteeMember"));

    // 2021, A3, elected 2021-01-12.
    //   吴芳  f 1988-08-08 32  master   Secretary+Director                      cross, college   ← one-shoulder
    //   郑浩  m 1960-01-01 61  junior   branchCommitteeMember+villageCommitteeMember cross
    //   冯雪  f 2000-02-29 20  college  villageCommitteeMember (not a Party member) college
    //   何亮  m 1977-01-11 44  senior   branchDeputySecretary
    //   4 cadres, 2 cross, ages 32+61+20+44 = 157, secretary 32, college 2, women 2
    public static readonly string A3Of2021 = Slates.Term("2021-01-12",
        Slates.Cadre("吴芳", "female", "1988-08-08", "master", true, "branchSecretary", "villageDirector"),
        Slates.Cadre("郑浩", "male", "1960-01-01", "junior", true, "branchCommitteeMember", "villageCommitteeMember"),
        Slates.Cadre("冯雪", "female", "2000-02-29", "college", false, "villageCommitteeMember"),
        Slates.Cadre("何亮", "male", "1977-01-11", "senior", true, "branchDeputySecretary"));

    // 2021, B1, elected 2021-01-15.
    //   马军  m 1966-09-09 54  senior    Secretary+Director                     cross            ← one-shoulder
    //   林静  f 1979-01-15 42 (birthday that day) bachelor branchCommitteeMember+villageCommitteeMember cross, college
    //   黄斌  m 1972-03-03 48  junior    villageDeputyDirector (not a Party member)
    //   3 cadres, 2 cross, ages 54+42+48 = 144, secretary 54, college 1, women 1
    public static readonly string B1Of2021 = Slates.Term("2021-01-15",
        Slates.Cadre("马军", "male", "1966-09-09", "senior", true, "branchSecretary", "villageDirector"),
        Slates.Cadre("林静", "female", "1979-01-15", "bachelor", true, "branchCommitteeMember", "villageCommitteeMember"),
        Slates.Cadre("黄斌", "male", "1972-03-03", "junior", false, "villageDeputyDirector"));

    // 2018, A1, elected 2018-01-20: 钱进 62 (birthday 4 April not yet) secretary; 张伟 42 director. Ages 104, secretary 62.
    public static readonly string A1Of2018 = Slates.Term("2018-01-20",
        Slates.Cadre("钱进", "male", "1955-04-04", "junior", true, "branchSecretary"),
        Slates.Cadre("张伟", "male", "1975-03-01", "bachelor", true, "villageDirector"));

    // 2018, B1, elected 2018-01-20: 马军 51 secretary+director; 许文 59; 林静 39 (birthday 15 January passed). Ages 149, secretary 51.
    public static readonly string B1Of2018 = Slates.Term("2018-01-20",
        Slates.Cadre("马军", "male", "1966-09-09", "senior", true, "branchSecretary", "villageDirector"),
        Slates.Cadre("许文", "male", "1958-07-07", "primary", false, "villageCommitteeMember"),
        Slates.Cadre("林静", "female", "1979-01-15", "bachelor", true, "branchCommitteeMember"));

    public static async Task Load(HttpClient http)
    {
        await Slates.Units(http, County, A1, A2, A3, B1);
        await Slates.Ok(http.PutJson($"/api/v1/villages/{A1}/terms/2018", A1Of2018));
        await Slates.Ok(http.PutJson($"/api/v1/villages/{B1}/terms/2018", B1Of2018));
        await Slates.Ok(http.PutJson($"/api/v1/villages/{A1}/terms/2021", A1Of2021));
        await Slates.Ok(http.PutJson($"/api/v1/villages/{A2}/terms/2021", A2Of2021));
        await Slates.Ok(http.PutJson($"/api/v1/villages/{A3}/terms/2021", A3Of2021));
        await Slates.Ok(http.PutJson($"/api/v1/villages/{B1}/terms/2021", B1Of2021));
    }
}
