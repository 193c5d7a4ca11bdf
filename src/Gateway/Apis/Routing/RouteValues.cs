// A handler's signature says which level its {code} is, as the level codes do in the grains.
global using CountyValue = GridActors.Gateway.Apis.UnitValue<GridActors.Grains.Units.CountyCode>;
global using TownshipValue = GridActors.Gateway.Apis.UnitValue<GridActors.Grains.Units.TownshipCode>;
global using VillageValue = GridActors.Gateway.Apis.UnitValue<GridActors.Grains.Units.VillageCode>;
global using GridValue = GridActors.Gateway.Apis.UnitValue<GridActors.Grains.Units.GridCode>;

using GridActors.Grains.Units;
using GridActors.Grains.Validation;
using GridActors.Grains.Vocabulary;

namespace GridActors.Gateway.Apis;

/// <summary>
/// A route or query value that binds whatever the caller sent and keeps what was wrong with it, so the gateway
/// answers a malformed value the same way on every endpoint (<see cref="RouteChecks"/>: 400 naming the parameter and
/// the rule) instead of each handler parsing it and building the answer itself.
/// </summary>
/// <remarks>
/// Every implementation's <c>TryParse</c> succeeds whatever the text: a parse failure must reach RouteChecks (one 400
/// naming the field, with every other broken rule of the request) rather than minimal APIs' own binding failure. The
/// OpenAPI document still describes each as the string it is on the wire (OpenApiAnswers).
/// </remarks>
public interface ICheckedValue
{
    /// <summary>Adds this value's broken rules under <paramref name="name"/>, the handler's parameter name.</summary>
    void Check(ValidationErrors errors, string name);
}

/// <summary>A unit's code from the route; <see cref="RegisteredAttribute"/> asks that the unit be registered.</summary>
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

/// <summary>A unit's code of one level from the route (see the aliases <c>CountyValue</c> … <c>GridValue</c>).</summary>
public readonly record struct UnitValue<TCode>(TCode Code, string? Error) : IUnitValue where TCode : struct, ILevelCode<TCode>
{
    public static bool TryParse(string? text, IFormatProvider? provider, out UnitValue<TCode> value)
    {
        TCode.TryParse(text, out var code, out var error);
        value = new UnitValue<TCode>(code, error);
        return true;
    }

    public UnitCode Unit => Code.Code;
    public void Check(ValidationErrors errors, string name) => errors.AddIf(Error, name);
    public static implicit operator TCode(UnitValue<TCode> value) => value.Code;
    public override string ToString() => Code.Code.ToString();
}

/// <summary>
/// A unit's code on a route mapped once per level (<c>/counties/{code}/…</c>, <c>/townships/{code}/…</c>): the level is
/// the route's collection, given as <see cref="RouteLevel"/> metadata, so one handler serves every level.
/// <see cref="RouteChecks"/> parses the text at that level before the handler runs.
/// </summary>
public readonly record struct LevelValue(string? Text, UnitCode Unit, string? Error) : IUnitValue
{
    public static bool TryParse(string? text, IFormatProvider? provider, out LevelValue value)
    {
        value = new LevelValue(text, default, "is not parsed yet");
        return true;
    }

    /// <summary>This code read at <paramref name="level"/>.</summary>
    public LevelValue At(UnitLevel level)
    {
        UnitCode.TryParse(Text, level, out var unit, out var error);
        return this with { Unit = unit, Error = error };
    }

    public UnitLevel Level => Unit.Level;
    public void Check(ValidationErrors errors, string name) => errors.AddIf(Error, name);
    public static implicit operator UnitCode(LevelValue value) => value.Unit;
    public override string ToString() => Unit.ToString();
}

/// <summary>The level of <c>{code}</c> on an endpoint mapped once per level, for <see cref="LevelValue"/>.</summary>
public sealed record RouteLevel(UnitLevel Level);

/// <summary>
/// An optional enumerated query value (<c>?status=migrant</c>): any letter case, and a wrong one answers "must be one
/// of: …" like every enumerated value of the API (<see cref="EnumNames"/>). Bound as <c>EnumValue&lt;T&gt;?</c>, absent
/// is null.
/// </summary>
public readonly record struct EnumValue<T>(T Value, string? Error) : ICheckedValue where T : struct, Enum
{
    public static bool TryParse(string? text, IFormatProvider? provider, out EnumValue<T> value)
    {
        value = EnumNames.TryParse<T>(text, out var parsed) ? new EnumValue<T>(parsed, null) : new EnumValue<T>(default, EnumNames.OneOf<T>());
        return true;
    }

    public void Check(ValidationErrors errors, string name) => errors.AddIf(Error, name);
    public override string ToString() => EnumNames.Name(Value);
}

public static class RouteLevelExtensions
{
    /// <summary>Marks an endpoint of a per-level route with its level, for its <see cref="LevelValue"/>.</summary>
    public static TBuilder ForLevel<TBuilder>(this TBuilder builder, UnitLevel level) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RouteLevel(level));
}

internal static class CheckedValueErrors
{
    /// <summary>Adds <paramref name="rule"/> under <paramref name="field"/> when there is one.</summary>
    public static void AddIf(this ValidationErrors errors, string? rule, string field)
    {
        if (rule is not null)
        {
            errors.Add(field, rule);
        }
    }
}
