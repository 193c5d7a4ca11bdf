using System.Collections.Concurrent;
using GridActors.Tests.Files;
using GridActors.Tests.Infrastructure;
using GridActors.Tests.Issues;
using GridActors.Tests.Party;

namespace GridActors.Tests.Backup;

/// <summary>
/// What a backup must keep: units, issues and Party members written through the API, and the reads an operator checks
/// after a restore. Reports to another grid keep coming while the backup runs.
/// </summary>
internal sealed class BackupScenario
{
    private readonly List<string> _reads = [];

    public static async Task<BackupScenario> Write(HttpClient http)
    {
        await County.Create(http);
        var scenario = new BackupScenario();
        scenario._reads.AddRange([$"/api/v1/counties/{County.Code}", $"/api/v1/villages/{County.Village}", $"/api/v1/grids/{County.Grid}",
            $"/api/v1/grids/{County.Grid}/issues?limit=100", $"/api/v1/grids/{County.Grid}/members"]);
        var issues = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            issues.Add(await IssueApi.Report(http, County.Grid, title: $"宅基地纠纷 {i}"));
        }
        // A photo: on the embedded profile it is a file in the data folder, not a row of the database.
        using var form = new MultipartFormDataContent();
        var photo = new ByteArrayContent(Photo.Jpeg(64, 48));
        photo.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
        form.Add(photo, "files", "photo.jpg");
        var uploaded = await http.PostAsync($"/api/v1/issues/{issues[0]}/files", form);
        Assert.True(uploaded.StatusCode == System.Net.HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync());
        scenario._reads.AddRange(issues.Select(id => $"/api/v1/issues/{id}"));
        scenario._reads.Add((await IssueApi.Get(http, issues[0]))["attachments"]![0]!["url"]!.GetValue<string>());
        scenario._reads.Add($"/api/v1/members/{await PartyApi.CreateMember(http, County.Grid, "董建国")}");
        scenario._reads.Add($"/api/v1/members/{await PartyApi.CreateMember(http, County.Grid, "汪小红")}");
        return scenario;
    }

    /// <summary>The bodies of the reads, by path.</summary>
    public async Task<Dictionary<string, string>> Read(HttpClient http)
    {
        var bodies = new Dictionary<string, string>();
        foreach (var path in _reads)
        {
            var response = await http.GetAsync(path);
            Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            bodies[path] = Convert.ToBase64String(await response.Content.ReadAsByteArrayAsync());
        }
        return bodies;
    }

    /// <summary>Reports to another grid, one after another, until stopped; the ids answered 201, in order.</summary>
    public static (Task Running, ConcurrentQueue<string> Acknowledged) KeepReporting(HttpClient http, CancellationToken stop)
    {
        var acknowledged = new ConcurrentQueue<string>();
        var running = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                acknowledged.Enqueue(await IssueApi.Report(http, County.Grid3, title: "备份期间的报告"));
            }
        }, CancellationToken.None);
        return (running, acknowledged);
    }
}
