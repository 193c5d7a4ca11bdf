using System.Net;
using System.Text.Json.Nodes;
using GridActors.Tests.Access;
using GridActors.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GridActors.Tests.OpenApi;

/// <summary>
/// Every operation of the document that takes a unit's {code} answers a bad code the same way: a malformed one is a 400
/// problem+json naming <c>code</c> and the rule, a well-formed code of a unit that is not registered is a 404 problem+json
/// "No {level} {code} is registered.", whichever resource it is.
/// </summary>
public sealed class RouteChecksWalkTests(WalkFixture fixture, ITestOutputHelper output) : IClassFixture<WalkFixture>
{
    /// <summary>Well-formed codes that no test registers (inside county A from the county down), by the collection before {code}.</summary>
    private static readonly Dictionary<string, (string Level, string Code)> Unregistered = new()
    {
        ["provinces"] = ("province", "35"),
        ["cities"] = ("city", "3499"),
        ["counties"] = ("county", "340899"),
        ["townships"] = ("township", "340822199"),
        ["villages"] = ("village", "340822100299"),
        ["grids"] = ("grid", "340822100201099"),
        ["groups"] = ("grid", "340822100201099"),
    };

    [Fact]
    public async Task EveryOperationWithAUnitCode_AnswersAMalformedCode400_AndAnUnregisteredUnit404_InOneShape()
    {
        var checkedOperations = 0;
        var mismatches = new List<string>();
        foreach (var (method, template, operation) in fixture.Operations())
        {
            var segments = template.Split('/');
            var at = Array.IndexOf(segments, "{code}");
            // PUT of the unit itself registers it; a CSV body cannot carry the example of a JSON one.
            if (at < 1 || !Unregistered.TryGetValue(segments[at - 1], out var unregistered) || (method == HttpMethod.Put && at == segments.Length - 1)
                || (operation["requestBody"] is JsonObject body && body["content"]?["application/json"] is null))
            {
                continue;
            }
            checkedOperations++;
            var json = operation["requestBody"]?["content"]?["application/json"]?["example"]?.ToJsonString();
            var filled = fixture.FillA(template, operation).Split('/');

            filled[at] = "34x";
            var malformed = await fixture.Admin.SendAsync(fixture.Request(method, string.Join('/', filled), null, json));
            var problem = await ProblemOf(malformed);
            if (malformed.StatusCode != HttpStatusCode.BadRequest || problem?["errors"]?["code"] is not JsonArray { Count: > 0 })
            {
                mismatches.Add($"{method} {template} with code 34x: {(int)malformed.StatusCode} {problem?.ToJsonString()}");
            }

            filled[at] = unregistered.Code;
            var missing = await fixture.Admin.SendAsync(fixture.Request(method, string.Join('/', filled), null, json));
            problem = await ProblemOf(missing);
            var expected = $"No {unregistered.Level} {unregistered.Code} is registered.";
            if (missing.StatusCode != HttpStatusCode.NotFound || problem?["detail"]?.GetValue<string>() != expected
                || problem["type"]?.GetValue<string>() != "https://gridactors.org/problems/not-found")
            {
                mismatches.Add($"{method} {template} with code {unregistered.Code}: {(int)missing.StatusCode} {problem?.ToJsonString()}");
            }
        }
        foreach (var mismatch in mismatches)
        {
            output.WriteLine(mismatch);
        }
        Assert.True(checkedOperations > 50, $"only {checkedOperations} operations take a unit code");
        Assert.Empty(mismatches);
    }

    [Fact]
    public async Task EveryEnumeratedQueryValue_IsListedInTheDocument_AndAWrongOneIs400ListingTheValues()
    {
        var checkedParameters = 0;
        var mismatches = new List<string>();
        foreach (var (method, template, operation) in fixture.Operations())
        {
            if (method != HttpMethod.Get || operation["parameters"] is not JsonArray parameters)
            {
                continue;
            }
            foreach (var parameter in parameters.OfType<JsonObject>().Where(p => p["in"]?.GetValue<string>() == "query" && p["schema"]?["enum"] is JsonArray))
            {
                var url = fixture.FillA(template, operation);
                // Only where the read itself answers (the walk registers no unit above the county).
                if ((await fixture.Admin.SendAsync(fixture.Request(method, url, null))).StatusCode != HttpStatusCode.OK)
                {
                    continue;
                }
                checkedParameters++;
                var name = parameter["name"]!.GetValue<string>();
                var names = parameter["schema"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
                var wrong = await fixture.Admin.SendAsync(fixture.Request(method, $"{url}?{name}=notAValue", null));
                var rule = (await ProblemOf(wrong))?["errors"]?[name]?[0]?.GetValue<string>();
                if (wrong.StatusCode != HttpStatusCode.BadRequest || rule != "must be one of: " + string.Join(", ", names))
                {
                    mismatches.Add($"GET {template}?{name}=notAValue: {(int)wrong.StatusCode} {rule}");
                }
                // Any letter case is accepted, as for every enumerated value (other required query values may still be missing).
                var right = await fixture.Admin.SendAsync(fixture.Request(method, $"{url}?{name}={names[^1].ToUpperInvariant()}", null));
                if ((int)right.StatusCode >= 500 || (await ProblemOf(right))?["errors"]?[name] is not null)
                {
                    mismatches.Add($"GET {template}?{name}={names[^1].ToUpperInvariant()}: {(int)right.StatusCode}");
                }
            }
        }
        foreach (var mismatch in mismatches)
        {
            output.WriteLine(mismatch);
        }
        Assert.True(checkedParameters >= 6, $"only {checkedParameters} enumerated query values are listed in the document");
        Assert.Empty(mismatches);
    }

    private static async Task<JsonObject?> ProblemOf(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? (await response.Json()).AsObject() : null;
}
