namespace GridActors.Grains.Validation;

/// <summary>
/// Field → broken rules, collected while checking input at the edge; becomes the <c>errors</c> member of
/// a 400 problem+json answer. Field names are the JSON names the caller sent (<c>leader.phone</c>).
/// </summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public void Add(string field, string rule)
    {
        if (!_errors.TryGetValue(field, out var rules))
        {
            _errors[field] = rules = [];
        }
        rules.Add(rule);
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public override string ToString() => string.Join("; ", _errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"));
}

/// <summary>Small checks shared by every validator, so each rule reads the same to callers.</summary>
public static class Rules
{
    public const int MaxNameLength = 100;

    /// <summary>A required, trimmed, single-line text of bounded length. Returns the trimmed text or null.</summary>
    public static string? RequiredText(ValidationErrors errors, string field, string? value, int maxLength = MaxNameLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "is required and cannot be blank");
            return null;
        }
        return OptionalText(errors, field, value, maxLength);
    }

    public static string? OptionalText(ValidationErrors errors, string field, string? value, int maxLength = MaxNameLength, bool multiline = false)
    {
        if (value is null)
        {
            return null;
        }
        var trimmed = value.Trim();
        if (trimmed.Length > maxLength)
        {
            errors.Add(field, $"must be at most {maxLength} characters");
            return null;
        }
        foreach (var c in trimmed)
        {
            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
            {
                errors.Add(field, "must not contain control characters");
                return null;
            }
        }
        return trimmed;
    }

    /// <summary>
    /// A phone number as Chinese staff write them: a mobile (11 digits starting with 1), a landline with
    /// area code (0556-1234567), or an international number (+86 ...). Spaces and dashes are allowed.
    /// </summary>
    public static string? Phone(ValidationErrors errors, string field, string? value)
    {
        var text = RequiredText(errors, field, value, 24);
        if (text is null)
        {
            return null;
        }
        var digits = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (!(c is '-' or ' ' || (c == '+' && i == 0)))
            {
                errors.Add(field, "must contain only digits, spaces, dashes and a leading +");
                return null;
            }
        }
        if (digits is < 5 or > 15)
        {
            errors.Add(field, "must have 5 to 15 digits");
            return null;
        }
        return text;
    }
}
