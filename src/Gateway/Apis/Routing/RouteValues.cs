using GridActors.Grains.Units;
using GridActors.Grains.Validation;

namespace GridActors.Gateway.Apis;

/// <summary>
/// A route or query value that binds whatever the caller sent and keeps what was wrong with it, so the gateway
/// answers a malformed value the same way on every endpoint (<see cref="RouteChecks"/>: 400 naming the parameter and
/// the rule) instead of each handler parsing it and building the answer itself.
/// </summary>
public interface ICheckedValue
{
    /// <summary>Adds this value's broken rules under <paramref name="name"/>, the handler's parameter name.</summary>
    void Check(ValidationErrors errors, string name);
}

/// <summary>A unit's code from the route, of one level; <see cref="RegisteredAttribute"/> asks that the unit be registered.</summary>
public interface IUnitValue : ICheckedValue
{
    UnitCode Unit { get; }
}

/// <summary>
/// The unit named by this parameter must be registered, or the endpoint answers 404 "No {level} {code} is registered."
/// before the handler runs.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class RegisteredAttribute : Attribute;

// One type per level, so a handler's signature says which level its {code} is, as the level codes do in the grains.
// TryParse always succeeds: a parse failure must reach RouteChecks (one 400 naming the field) rather than minimal
// APIs' own binding failure. The OpenAPI document still describes each as a string (OpenApiAnswers).

/// <summary>A county's code (县, 6 digits) from the route.</summary>
public readonly record struct CountyValue(CountyCode Code, string? Error) : IUnitValue
{
    public static bool TryParse(string? text, IFormatProvider? provider, out CountyValue value)
    {
        CountyCode.TryParse(text, out var code, out var error);
        value = new CountyValue(code, error);
        return true;
    }

    public UnitCode Unit => Code.Code;
    public void Check(ValidationErrors errors, string name) => UnitValues.Check(Error, errors, name);
    public static implicit operator CountyCode(CountyValue value) => value.Code;
    public override string ToString() => Code.ToString();
}

/// <summary>A township's code (乡镇, 9 digits) from the route.</summary>
public readonly record struct TownshipValue(TownshipCode Code, string? Error) : IUnitValue
{
    public static bool TryParse(string? text, IFormatProvider? provider, out TownshipValue value)
    {
        TownshipCode.TryParse(text, out var code, out var error);
        value = new TownshipValue(code, error);
        return true;
    }

    public UnitCode Unit => Code.Code;
    public void Check(ValidationErrors errors, string name) => UnitValues.Check(Error, errors, name);
    public static implicit operator TownshipCode(TownshipValue value) => value.Code;
    public override string ToString() => Code.ToString();
}

/// <summary>A village's code (村/社区, 12 digits) from the route.</summary>
public readonly record struct VillageValue(VillageCode Code, string? Error) : IUnitValue
{
    public static bool TryParse(string? text, IFormatProvider? provider, out VillageValue value)
    {
        VillageCode.TryParse(text, out var code, out var error);
        value = new VillageValue(code, error);
        return true;
    }

    public UnitCode Unit => Code.Code;
    public void Check(ValidationErrors errors, string name) => UnitValues.Check(Error, errors, name);
    public static implicit operator VillageCode(VillageValue value) => value.Code;
    public override string ToString() => Code.ToString();
}

/// <summary>A grid's code (网格, 15 digits) from the route.</summary>
public readonly record struct GridValue(GridCode Code, string? Error) : IUnitValue
{
    public static bool TryParse(string? text, IFormatProvider? provider, out GridValue value)
    {
        GridCode.TryParse(text, out var code, out var error);
        value = new GridValue(code, error);
        return true;
    }

    public UnitCode Unit => Code.Code;
    public void Check(ValidationErrors errors, string name) => UnitValues.Check(Error, errors, name);
    public static implicit operator GridCode(GridValue value) => value.Code;
    public override string ToString() => Code.ToString();
}

internal static class UnitValues
{
    public static void Check(string? error, ValidationErrors errors, string name)
    {
        if (error is not null)
        {
            errors.Add(name, error);
        }
    }
}
