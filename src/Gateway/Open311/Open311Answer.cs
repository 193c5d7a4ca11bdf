using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using System.Xml;

namespace GridActors.Gateway.Open311;

/// <summary>The two formats of GeoReport v2: the path ends in <c>.json</c> or <c>.xml</c>.</summary>
public enum Open311Format
{
    Json,
    Xml,
}

/// <summary>
/// Writes an Open311 answer as JSON or as XML. XML element names are the JSON names (the spec defines them so);
/// a list is a wrapper element holding one element per item (<c>services/service</c>, <c>attributes/attribute</c>).
/// Null fields are written (an empty element in XML), so every field of the spec is present.
/// </summary>
public sealed class Open311Answer : IResult
{
    public const string JsonType = "application/json; charset=utf-8";
    public const string XmlType = "text/xml; charset=utf-8";

    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // Chinese text stays readable; characters unsafe in HTML are still escaped.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>Element name of an item of each list field.</summary>
    private static readonly Dictionary<string, string> ItemNames = new(StringComparer.Ordinal)
    {
        ["attributes"] = "attribute",
        ["values"] = "value",
        ["endpoints"] = "endpoint",
        ["formats"] = "format",
    };

    private readonly int _status;
    private readonly object _body;
    private readonly Open311Format _format;
    private readonly string _root;
    private readonly string? _item;

    private Open311Answer(int status, object body, Open311Format format, string root, string? item)
    {
        _status = status;
        _body = body;
        _format = format;
        _root = root;
        _item = item;
    }

    public static bool TryParse(string? text, out Open311Format format)
    {
        switch (text)
        {
            case "json": format = Open311Format.Json; return true;
            case "xml": format = Open311Format.Xml; return true;
            default: format = Open311Format.Json; return false;
        }
    }

    /// <summary>A list answer: JSON array; XML <c>&lt;root&gt;&lt;item&gt;...</c>.</summary>
    public static Open311Answer List<T>(Open311Format format, IReadOnlyList<T> items, string root, string item, int status = StatusCodes.Status200OK)
        where T : notnull => new(status, items, format, root, item);

    /// <summary>An object answer: JSON object; XML <c>&lt;root&gt;...</c>.</summary>
    public static Open311Answer Object(Open311Format format, object body, string root) => new(StatusCodes.Status200OK, body, format, root, null);

    /// <summary>An error as the spec writes it: an array of one <c>{code, description}</c>, the code being the HTTP status.</summary>
    public static Open311Answer Error(Open311Format format, int status, string description) =>
        new(status, new[] { new Open311Error(status, description) }, format, "errors", "error");

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = _status;
        if (_format == Open311Format.Json)
        {
            response.ContentType = JsonType;
            await JsonSerializer.SerializeAsync(response.Body, _body, _body.GetType(), Json, httpContext.RequestAborted);
            return;
        }
        response.ContentType = XmlType;
        using var buffer = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Async = false, Indent = false };
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement(_root);
            if (_item is not null)
            {
                foreach (var item in (IEnumerable)_body)
                {
                    WriteElement(xml, _item, item);
                }
            }
            else
            {
                WriteFields(xml, _body);
            }
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(response.Body, httpContext.RequestAborted);
    }

    private static void WriteElement(XmlWriter xml, string name, object? value)
    {
        xml.WriteStartElement(name);
        switch (value)
        {
            case null:
                break;
            case string text:
                xml.WriteString(text);
                break;
            case bool flag:
                xml.WriteString(flag ? "true" : "false");
                break;
            case double number:
                xml.WriteString(number.ToString("R", CultureInfo.InvariantCulture));
                break;
            case int number:
                xml.WriteString(number.ToString(CultureInfo.InvariantCulture));
                break;
            case IEnumerable list:
                var item = ItemNames.GetValueOrDefault(name, "item");
                foreach (var element in list)
                {
                    WriteElement(xml, item, element);
                }
                break;
            default:
                WriteFields(xml, value);
                break;
        }
        xml.WriteEndElement();
    }

    private static void WriteFields(XmlWriter xml, object record)
    {
        foreach (var property in Fields(record.GetType()))
        {
            WriteElement(xml, property.Name, property.Property.GetValue(record));
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, (string Name, PropertyInfo Property)[]> FieldCache = new();

    /// <summary>The fields of an answer record in declaration order, by their spec names.</summary>
    private static (string Name, PropertyInfo Property)[] Fields(Type type) => FieldCache.GetOrAdd(type, t =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
            .OrderBy(p => p.MetadataToken)
            .Select(p => (p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name, p))
            .ToArray());
}
