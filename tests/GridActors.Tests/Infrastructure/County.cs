namespace GridActors.Tests.Infrastructure;

/// <summary>A small county to test with: 怀宁县 with one township, two villages and three grids.</summary>
public static class County
{
    public const string Code = "340822";
    public const string Township = "340822100";
    public const string Village = "340822100201";
    public const string Village2 = "340822100202";
    public const string Grid = "340822100201003";
    public const string Grid2 = "340822100201004";
    public const string Grid3 = "340822100202001";

    public static async Task Create(HttpClient http)
    {
        await Ok(http.PutJson($"/api/v1/counties/{Code}", """{"name":"怀宁县"}"""));
        await Ok(http.PutJson($"/api/v1/townships/{Township}", """{"name":"高河镇"}"""));
        await Ok(http.PutJson($"/api/v1/villages/{Village}", """{"name":"董屋村","kind":"village"}"""));
        await Ok(http.PutJson($"/api/v1/villages/{Village2}", """{"name":"新城社区","kind":"community"}"""));
        await Ok(http.PutJson($"/api/v1/grids/{Grid}", """{"name":"董屋网格","villagerGroups":["董屋组"],"leader":{"name":"董明","phone":"13955612345"}}"""));
        await Ok(http.PutJson($"/api/v1/grids/{Grid2}", """{"name":"汪屋网格","villagerGroups":["汪屋组","查屋组"]}"""));
        await Ok(http.PutJson($"/api/v1/grids/{Grid3}", """{"name":"新城一网格"}"""));
    }

    private static async Task Ok(Task<HttpResponseMessage> call)
    {
        var response = await call;
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
