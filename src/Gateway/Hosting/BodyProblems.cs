using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace GridActors.Gateway.Hosting;

/// <summary>
/// What a caller is told when a request cannot even be read: the one rule for every JSON body (docs/errors.md).
/// A body that is not JSON names the line and position of the error under <c>$</c>; a field the request does not
/// have is refused, named, and answered with the fields it does have, so a typo never silently drops data; a value
/// of the wrong JSON type names the path of the property (<c>cadres[0].birthDate</c>) and the type it must have.
/// A query, route or header value that does not parse names the parameter.
/// </summary>
internal static partial class BodyProblems
{
    public static HttpValidationProblemDetails Describe(HttpContext context, JsonException json)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        // The exception handler clears the request's endpoint before it runs; the feature keeps the one that failed.
        var endpoint = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        var root = endpoint?.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()
            .Select(a => a.RequestType).LastOrDefault(t => t is not null && t != typeof(string));
        var path = Segments(json.Path);
        var (field, rule) = json switch
        {
            _ when Unmapped().Match(json.Message) is { Success: true } unknown => UnknownField(options, root, path, unknown.Groups["name"].Value, unknown.Groups["type"].Value),
            // The serializer rethrows the reader's syntax error as a JsonException around it, with the path it had reached.
            { InnerException: JsonException } or { InnerException: null, Path: null } when json.LineNumber is not null && !Converting(json) =>
                ("$", $"is not valid JSON: {Reason(json.Message)} at line {json.LineNumber + 1}, position {json.BytePositionInLine + 1}"),
            // A string that is not valid text (a lone surrogate) or a value a converter refused; the reader's "cannot get
            // the value of a token type" is a value of the wrong type, said below in the caller's terms.
            { InnerException: { } inner } when !inner.Message.StartsWith("Cannot get the value of a token type", StringComparison.Ordinal) =>
                (Field(path), $"is not valid: {Reason(inner.Message)}"),
            // A string that names no value of an enum is not of the wrong type: it is not one of the values.
            _ when EnumAt(options, root, path) is { } e => (Field(path), $"must be {Expected(options, e)}"),
            _ => (Field(path), $"has the wrong JSON type: must be {Expected(options, TypeAt(options, root, path))}"),
        };
        return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [rule] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request is not valid",
            Type = "https://gridactors.org/problems/validation",
        };
    }

    /// <summary>
    /// A route, query or header value the framework could not convert (a <c>limit</c> of "abc"), or a required one
    /// that is missing. The value itself is not repeated: it may be 100 KB long or meant for someone else's log.
    /// </summary>
    public static (string Field, string Rule)? Parameter(BadHttpRequestException bad)
    {
        if (FailedBind().Match(bad.Message) is { Success: true } failed)
        {
            return (failed.Groups["name"].Value, $"must be {Kind(failed.Groups["type"].Value)}");
        }
        if (bad.Message.StartsWith("Implicit body inferred for parameter", StringComparison.Ordinal))
        {
            return ("$", "is required: a JSON body");
        }
        if (Missing().Match(bad.Message) is { Success: true } missing)
        {
            if (missing.Groups["source"].Value == "body")
            {
                return ("$", "is required: a JSON body");
            }
            return (missing.Groups["name"].Value, $"is required: {Kind(missing.Groups["type"].Value)}");
        }
        return null;
    }

    /// <summary>
    /// A form body the framework cannot parse (no multipart boundary, a key over the length limit, a multipart body that
    /// ends early) surfaces as InvalidDataException or IOException from ReadFormAsync, in whichever handler reads it.
    /// </summary>
    public static (string Field, string Rule)? Form(HttpContext context, Exception exception) =>
        exception is InvalidDataException or IOException && context.Request.HasFormContentType
            && exception.StackTrace?.Contains("ReadFormAsync", StringComparison.Ordinal) == true
            ? ("$", $"is not a readable form: {Reason(exception.Message)}")
            : null;

    private static string Kind(string clrType) => (clrType.StartsWith("Nullable<", StringComparison.Ordinal) ? clrType[9..^1] : clrType).TrimEnd('?') switch
    {
        "int" or "long" or "short" => "a whole number",
        "double" or "decimal" or "float" => "a number",
        "bool" => "true or false",
        "Guid" => "an id (a UUID)",
        "string" => "a text",
        "DateOnly" => "a date YYYY-MM-DD",
        "DateTimeOffset" or "DateTime" => "a date and time (ISO 8601)",
        var other => $"a valid {other}",
    };

    /// <summary>The reader's own words without the Path/LineNumber suffix, which the answer gives in its own form.</summary>
    private static string Reason(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        cut = cut >= 0 ? cut : message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        message = (cut >= 0 ? message[..cut] : message).Trim().TrimEnd('.');
        // The reader quotes what it could not read, which may be most of a 1 MB body.
        return message.Length == 0 ? "unreadable" : message.Length > 200 ? message[..200] + "…" : message;
    }

    /// <summary>The serializer's "could not be converted" is a value of the wrong type, not broken JSON.</summary>
    private static bool Converting(JsonException json) => json.Message.Contains("could not be converted", StringComparison.Ordinal);

    private static (string Field, string Rule) UnknownField(JsonSerializerOptions options, Type? root, List<object> path, string name, string typeName)
    {
        // The path may or may not already end at the unknown name, depending on where the reader stopped.
        if (path.Count > 0 && path[^1] is string last && last == name)
        {
            path.RemoveAt(path.Count - 1);
        }
        var owner = TypeAt(options, root, path)
            ?? typeof(BodyProblems).Assembly.GetType(typeName) ?? typeof(Grains.Validation.ValidationErrors).Assembly.GetType(typeName);
        var known = owner is not null && options.GetTypeInfo(owner) is { Kind: JsonTypeInfoKind.Object } info
            ? $"; known fields: {string.Join(", ", info.Properties.Select(p => p.Name))}"
            : "";
        // A made-up name can be any length; the answer names it, but not 100 KB of it.
        path.Add(name.Length > 64 ? name[..64] + "…" : name);
        return (Field(path), $"is not a known field of this request{known}");
    }

    private static Type? EnumAt(JsonSerializerOptions options, Type? root, List<object> path) =>
        TypeAt(options, root, path) is { } t && (Nullable.GetUnderlyingType(t) ?? t) is { IsEnum: true } e ? e : null;

    /// <summary>The .NET type at <paramref name="path"/> inside the body type, or null where the path leaves the schema.</summary>
    private static Type? TypeAt(JsonSerializerOptions options, Type? type, List<object> path)
    {
        foreach (var step in path)
        {
            if (type is null)
            {
                return null;
            }
            var info = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
            type = (step, info.Kind) switch
            {
                (int, JsonTypeInfoKind.Enumerable) => info.ElementType,
                (string name, JsonTypeInfoKind.Object) => info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))?.PropertyType,
                (string, JsonTypeInfoKind.Dictionary) => info.ElementType,
                _ => null,
            };
        }
        return type;
    }

    private static string Expected(JsonSerializerOptions options, Type? type)
    {
        if (type is null)
        {
            return "of the JSON type the schema gives (see the OpenAPI document)";
        }
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return "one of: " + string.Join(", ", Enum.GetNames(type).Select(n => JsonNamingPolicy.CamelCase.ConvertName(n)));
        }
        if (type == typeof(string))
        {
            return "a JSON string";
        }
        if (type == typeof(bool))
        {
            return "true or false";
        }
        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte))
        {
            return "a whole number in range";
        }
        if (type == typeof(double) || type == typeof(decimal) || type == typeof(float))
        {
            return "a number";
        }
        if (type == typeof(Guid))
        {
            return "an id (a UUID string)";
        }
        if (type == typeof(DateOnly))
        {
            return "a date string YYYY-MM-DD";
        }
        return options.GetTypeInfo(type).Kind switch
        {
            JsonTypeInfoKind.Enumerable => "a JSON array",
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "a JSON object",
            _ => $"a valid {type.Name}",
        };
    }

    /// <summary>"$.cadres[0]['odd name']" → ["cadres", 0, "odd name"].</summary>
    private static List<object> Segments(string? path)
    {
        var segments = new List<object>();
        foreach (Match m in PathStep().Matches(path ?? ""))
        {
            if (m.Groups["index"].Success)
            {
                segments.Add(int.Parse(m.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                segments.Add(m.Groups["dot"].Success ? m.Groups["dot"].Value : m.Groups["quoted"].Value);
            }
        }
        return segments;
    }

    /// <summary>How callers name a field in every other 400: <c>leader.phone</c>, <c>cadres[0].name</c>.</summary>
    private static string Field(List<object> path) => path.Count == 0 ? "$"
        : string.Concat(path.Select((s, i) => s is int n ? $"[{n}]" : i == 0 ? (string)s : "." + s));

    [GeneratedRegex(@"\.(?<dot>[^.\[\]']+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathStep();

    [GeneratedRegex(@"The JSON property '(?<name>.*)' could not be mapped to any \.NET member contained in type '(?<type>[^']*)'", RegexOptions.Singleline)]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"^Failed to bind parameter ""(?<type>[^""]+) (?<name>[^"" ]+)"" from")]
    private static partial Regex FailedBind();

    [GeneratedRegex(@"^Required parameter ""(?<type>[^""]+) (?<name>[^"" ]+)"" was not provided from (?<source>\w+)")]
    private static partial Regex Missing();
}
