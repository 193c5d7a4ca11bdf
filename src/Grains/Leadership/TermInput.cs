using System.Globalization;
using GridActors.Grains.Validation;
using GridActors.Grains.Vocabulary;

namespace GridActors.Grains.Leadership;

/// <summary>One cadre in the body of <c>PUT /api/v1/villages/{code}/terms/{year}</c>, as sent.</summary>
public sealed record CadreInput(
    string? Name,
    string? Gender,
    string? BirthDate,
    string? Education,
    bool? PartyMember,
    IReadOnlyList<string?>? Roles);

/// <summary>
/// The body of <c>PUT /api/v1/villages/{code}/terms/{year}</c> and of a slate check, as sent; checked by
/// <see cref="Validate"/>. Every broken rule names the cadre (<c>cadres[2].birthDate</c>).
/// </summary>
public sealed record TermInput(string? ElectedOn, IReadOnlyList<CadreInput?>? Cadres)
{
    public const int MaxCadres = 30;
    public const int MinAge = 18;
    public const int MaxAge = 75;

    /// <summary>
    /// Checks a term. <paramref name="year"/> is the term's year from the path (null for a slate: the year is
    /// the election date's); with <paramref name="today"/> the election must not lie in the future.
    /// </summary>
    public (DateOnly ElectedOn, IReadOnlyList<Cadre> Cadres)? Validate(ValidationErrors errors, int? year, DateOnly? today)
    {
        var electedOn = LeadershipRules.Date(errors, "electedOn", ElectedOn, "the election date");
        if (electedOn is { } on)
        {
            if (year is { } y && on.Year != y)
            {
                errors.Add("electedOn", $"must fall within the term's year {y}");
                electedOn = null;
            }
            else if (year is null && !LeadershipRules.Year(errors, "electedOn", on.Year))
            {
                electedOn = null;
            }
            else if (today is { } t && on > t)
            {
                errors.Add("electedOn", $"must not be in the future (today is {t:yyyy-MM-dd})");
                electedOn = null;
            }
        }

        if (Cadres is null || Cadres.Count == 0)
        {
            errors.Add("cadres", "is required: the cadres of the two committees (村两委), at least the branchSecretary");
            return null;
        }
        if (Cadres.Count > MaxCadres)
        {
            errors.Add("cadres", $"must have at most {MaxCadres} cadres");
            return null;
        }

        var cadres = new List<Cadre>();
        var secretaries = new List<int>();
        var directors = new List<int>();
        var people = new Dictionary<(string, DateOnly), int>();
        var allRead = true;
        for (var i = 0; i < Cadres.Count; i++)
        {
            var field = $"cadres[{i}]";
            if (Cadres[i] is not { } input)
            {
                errors.Add(field, "is required: a cadre");
                allRead = false;
                continue;
            }
            var cadre = ValidateCadre(errors, field, input, electedOn);
            if (cadre is null)
            {
                allRead = false;
                continue;
            }
            if (people.TryGetValue((cadre.Name, cadre.BirthDate), out var same))
            {
                errors.Add(field, $"repeats cadres[{same}] (same name and birth date): list a person once, with all their roles");
                continue;
            }
            people[(cadre.Name, cadre.BirthDate)] = i;
            if (cadre.Roles.Contains(CadreRole.BranchSecretary))
            {
                if (secretaries.Count > 0)
                {
                    errors.Add($"{field}.roles", $"must have exactly one branchSecretary per village: cadres[{secretaries[0]}] already is");
                }
                secretaries.Add(i);
            }
            if (cadre.Roles.Contains(CadreRole.VillageDirector))
            {
                if (directors.Count > 0)
                {
                    errors.Add($"{field}.roles", $"may have at most one villageDirector per village: cadres[{directors[0]}] already is");
                }
                directors.Add(i);
            }
            cadres.Add(cadre);
        }
        if (secretaries.Count == 0 && allRead)
        {
            // Only said when every cadre was readable: a cadre with a broken role list may be the secretary.
            errors.Add("cadres", "must have exactly one branchSecretary: none is given");
        }
        return errors.IsEmpty ? (electedOn!.Value, cadres) : null;
    }

    private static Cadre? ValidateCadre(ValidationErrors errors, string field, CadreInput input, DateOnly? electedOn)
    {
        var before = errors.ToString();
        var name = Rules.RequiredText(errors, $"{field}.name", input.Name);

        Gender? gender = null;
        if (input.Gender is null)
        {
            errors.Add($"{field}.gender", "is required: male or female");
        }
        else if (LeadershipNames.Genders.TryGetValue(input.Gender, out var g))
        {
            gender = g;
        }
        else
        {
            errors.Add($"{field}.gender", "must be one of: male, female");
        }

        var birthDate = LeadershipRules.Date(errors, $"{field}.birthDate", input.BirthDate, "the birth date");
        if (birthDate is { } born && electedOn is { } on)
        {
            var age = CadreFacts.AgeAt(born, on);
            if (age is < MinAge or > MaxAge)
            {
                errors.Add($"{field}.birthDate", $"the age at election must be from {MinAge} to {MaxAge}; on {on:yyyy-MM-dd} it is {age}");
            }
        }

        var education = LeadershipRules.Education(errors, $"{field}.education", input.Education, required: true);

        if (input.PartyMember is null)
        {
            errors.Add($"{field}.partyMember", "is required: true or false");
        }

        var roles = new List<CadreRole>();
        if (input.Roles is null || input.Roles.Count == 0)
        {
            errors.Add($"{field}.roles", $"must list at least one role: {LeadershipNames.RoleList}");
        }
        else
        {
            for (var j = 0; j < input.Roles.Count; j++)
            {
                if (input.Roles[j] is not { } text || !LeadershipNames.Roles.TryGetValue(text, out var role))
                {
                    errors.Add($"{field}.roles[{j}]", $"must be one of: {LeadershipNames.RoleList}");
                }
                else if (roles.Contains(role))
                {
                    errors.Add($"{field}.roles[{j}]", "must not repeat a role");
                }
                else
                {
                    roles.Add(role);
                }
            }
            if (roles.Count(CadreFacts.IsBranchRole) > 1)
            {
                errors.Add($"{field}.roles", "may hold at most one role on the branch committee (支委)");
            }
            if (roles.Count(CadreFacts.IsVillageRole) > 1)
            {
                errors.Add($"{field}.roles", "may hold at most one role on the villagers' committee (村委)");
            }
            if (input.PartyMember == false && roles.Any(CadreFacts.IsBranchRole))
            {
                errors.Add($"{field}.partyMember", "must be true for a role on the branch committee (支委): only Party members sit on it");
            }
        }

        return errors.ToString() == before
            ? new Cadre(name!, gender!.Value, birthDate!.Value, education!.Value, input.PartyMember!.Value, roles)
            : null;
    }
}

/// <summary>Checks shared by the leadership inputs, so each rule reads the same everywhere.</summary>
public static class LeadershipRules
{
    public const int FirstYear = 1990;
    public const int LastYear = 2100;

    /// <summary>A term, training or assessment year.</summary>
    public static bool Year(ValidationErrors errors, string field, int year)
    {
        if (year is < FirstYear or > LastYear)
        {
            errors.Add(field, $"must be a year from {FirstYear} to {LastYear}");
            return false;
        }
        return true;
    }

    /// <summary>A year as written in a path or query (<c>term=2021</c>); null with an error when it is not one.</summary>
    public static int? Year(ValidationErrors errors, string field, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(field, "is required: a year YYYY");
            return null;
        }
        if (text.Length != 4 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
        {
            errors.Add(field, "must be a year YYYY");
            return null;
        }
        return Year(errors, field, year) ? year : null;
    }

    public static DateOnly? Date(ValidationErrors errors, string field, string? text, string what, bool required = true)
    {
        if (text is null)
        {
            if (required)
            {
                errors.Add(field, $"is required: {what} as YYYY-MM-DD");
            }
            return null;
        }
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            errors.Add(field, "must be a date YYYY-MM-DD");
            return null;
        }
        return date;
    }

    public static Education? Education(ValidationErrors errors, string field, string? text, bool required)
    {
        if (text is null)
        {
            if (required)
            {
                errors.Add(field, $"is required: one of {LeadershipNames.EducationList}");
            }
            return null;
        }
        if (!LeadershipNames.Educations.TryGetValue(text, out var education))
        {
            errors.Add(field, $"must be one of: {LeadershipNames.EducationList}");
            return null;
        }
        return education;
    }

    /// <summary>A client-chosen identifier such as a training session's: 1-64 characters of a-z, 0-9 and -.</summary>
    public static string? Slug(ValidationErrors errors, string field, string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 64 || !text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            errors.Add(field, "must be 1-64 characters of a-z, 0-9 and -");
            return null;
        }
        return text;
    }
}
