using GridActors.Grains.Vocabulary;
using GridActors.Grains.Validation;

namespace GridActors.Grains.PartyNetwork;

/// <summary>One piece of evidence as sent: kind, URL of the file, caption.</summary>
public sealed record EvidenceInput(string? Kind, string? Url, string? Caption)
{
    public const int MaxItems = 10;

    /// <summary>Checks a list of evidence; <paramref name="required"/> demands at least one item.</summary>
    public static IReadOnlyList<Evidence> Validate(ValidationErrors errors, string field, IReadOnlyList<EvidenceInput?>? items, bool required)
    {
        var result = new List<Evidence>();
        if (items is null || items.Count == 0)
        {
            if (required)
            {
                errors.Add(field, "is required: at least one photo, document or certificate (url and kind)");
            }
            return result;
        }
        if (items.Count > MaxItems)
        {
            errors.Add(field, $"must have at most {MaxItems} items");
            return result;
        }
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } item)
            {
                errors.Add($"{field}[{i}]", "must be an object");
                continue;
            }
            var ok = true;
            if (!EnumNames.TryParse<EvidenceKind>(item.Kind, out var kind))
            {
                errors.Add($"{field}[{i}].kind", EnumNames.OneOf<EvidenceKind>());
                ok = false;
            }
            var url = Rules.RequiredText(errors, $"{field}[{i}].url", item.Url, 2000);
            if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
            {
                errors.Add($"{field}[{i}].url", "must be an absolute http or https URL");
                ok = false;
            }
            var caption = Rules.OptionalText(errors, $"{field}[{i}].caption", item.Caption, 200);
            if (ok && url is not null)
            {
                result.Add(new Evidence(kind, url, caption));
            }
        }
        return result;
    }
}
