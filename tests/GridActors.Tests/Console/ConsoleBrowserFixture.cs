using System.Net;
using System.Text.Json.Nodes;
using GridActors.Tests.Infrastructure;
using Microsoft.Playwright;

namespace GridActors.Tests.Console;

/// <summary>
/// One gateway on Kestrel and one headless Chromium for all the console's browser tests: a county with its grids'
/// boundaries loaded through the API, and staff accounts of the county, of one township and a reader.
/// </summary>
public sealed class ConsoleBrowserFixture : IAsyncLifetime
{
    public const string OtherTownship = "340822101";
    public const string OtherGrid = "340822101201001";
    public const string Password = "console-password-1";

    public GatewayApp App { get; } = GatewayApp.OnSqlite().WithSetting("Auth:BootstrapAdminPassword", "bootstrap-password-1");
    public HttpClient Admin { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the tests leave their screenshots (docs/console/ holds copies).</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "console-screenshots");

    public async Task InitializeAsync()
    {
        Admin = App.Start();
        BaseUrl = Admin.BaseAddress!.ToString().TrimEnd('/');
        var browser = StartBrowser();
        await County.Create(Admin);
        await Put($"/api/v1/grids/{County.Grid}", """{"name":"董屋网格","villagerGroups":["董屋组"],"leader":{"name":"董明","phone":"13955612345"}}""",
            [[116.800, 30.400], [116.822, 30.398], [116.826, 30.418], [116.812, 30.426], [116.798, 30.419], [116.800, 30.400]]);
        await Put($"/api/v1/grids/{County.Grid2}", """{"name":"汪屋网格","villagerGroups":["汪屋组","查屋组"]}""",
            [[116.822, 30.398], [116.846, 30.401], [116.848, 30.423], [116.826, 30.418], [116.822, 30.398]]);
        await Put($"/api/v1/grids/{County.Grid3}", """{"name":"新城一网格"}""",
            [[116.798, 30.419], [116.812, 30.426], [116.826, 30.418], [116.848, 30.423], [116.840, 30.444], [116.806, 30.442], [116.798, 30.419]]);
        foreach (var (path, json) in new[]
                 {
                     ($"/api/v1/townships/{OtherTownship}", """{"name":"石牌镇"}"""),
                     ("/api/v1/villages/340822101201", """{"name":"石牌村","kind":"village"}"""),
                     ($"/api/v1/grids/{OtherGrid}", """{"name":"石牌一网格"}"""),
                 })
        {
            Assert.True((await Admin.PutJson(path, json)).IsSuccessStatusCode, path);
        }
        await Account("county.lead", "李主任", County.Code, "reader", "reporter", "handler", "manager", "admin");
        await Account("gaohe.staff", "高河镇干部", County.Township, "reader", "handler");
        await Account("viewer", "查看员", County.Code, "reader");
        Browser = await browser;
    }

    private async Task<IBrowser> StartBrowser()
    {
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        return await Playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium.Find(), Headless = true, Args = Chromium.Arguments() });
    }

    private async Task Put(string path, string json, double[][] ring)
    {
        var body = JsonNode.Parse(json)!.AsObject();
        body["boundary"] = new JsonObject
        {
            ["type"] = "Polygon",
            ["coordinates"] = new JsonArray(new JsonArray(ring.Select(p => (JsonNode)new JsonArray(p[0], p[1])).ToArray())),
        };
        var response = await Admin.PutJson(path, body.ToJsonString());
        Assert.True(response.IsSuccessStatusCode, $"{path}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task Account(string username, string name, string jurisdiction, params string[] roles)
    {
        var body = new JsonObject { ["username"] = username, ["displayName"] = name, ["password"] = Password, ["jurisdiction"] = jurisdiction, ["roles"] = new JsonArray(roles.Select(r => (JsonNode)r!).ToArray()) };
        Assert.Equal(HttpStatusCode.Created, (await Admin.PostJson("/api/v1/staff", body.ToJsonString())).StatusCode);
    }

    /// <summary>A new browser session (its own cookies) at a width: 1280 a desk, 360 a phone.</summary>
    public async Task<IPage> NewPage(int width = 1280)
    {
        var context = await Browser.NewContextAsync(new()
        {
            BaseURL = BaseUrl,
            Locale = "zh-CN",
            ViewportSize = new() { Width = width, Height = width < 500 ? 760 : 860 },
            DeviceScaleFactor = 1,
            IsMobile = width < 500,
            HasTouch = width < 500,
        });
        return await context.NewPageAsync();
    }

    public async Task<IPage> SignedIn(string username, int width = 1280)
    {
        var page = await NewPage(width);
        await page.GotoAsync("/console/sign-in");
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/sign-in", StringComparison.Ordinal));
        return page;
    }

    public static async Task Shot(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<object>>> _once = new();

    /// <summary>Builds something once for the class's tests (the records a group of pages shows), whichever test runs first.</summary>
    public async Task<T> Once<T>(string key, Func<Task<T>> build) where T : class =>
        (T)await _once.GetOrAdd(key, _ => new Lazy<Task<object>>(async () => await build())).Value;

    /// <summary>No page scrolls sideways on a phone.</summary>
    public static async Task AssertFitsThePhone(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), $"{page.Url} scrolls sideways at 360 px");

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        Playwright?.Dispose();
        await App.DisposeAsync();
    }
}
