using System.Reflection;
using GridActors.Gateway.Hosting;
using GridActors.Grains.Units;
using GridActors.Grains.Validation;

namespace GridActors.Gateway.Apis;

/// <summary>
/// The steps every endpoint with a unit code, paging or an enumerated query value took by hand, done once for the
/// whole API before the handler runs: every <see cref="ICheckedValue"/> argument is checked and all broken rules are
/// answered together as one 400 (problem+json naming each parameter and its rule); then every unit marked
/// <see cref="RegisteredAttribute"/> must be registered, or 404. A handler therefore sees only well-formed values of
/// units that exist.
/// </summary>
/// <remarks>
/// A filter factory, so the parameters are inspected once per endpoint and an endpoint without such parameters gets
/// no filter at all. The body's own rules are still the handler's: a request with a malformed code is answered for
/// the code alone.
/// </remarks>
internal static class RouteChecks
{
    public static EndpointFilterDelegate Factory(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var parameters = context.MethodInfo.GetParameters();
        var checkedValues = Enumerable.Range(0, parameters.Length)
            .Where(i => typeof(ICheckedValue).IsAssignableFrom(Nullable.GetUnderlyingType(parameters[i].ParameterType) ?? parameters[i].ParameterType))
            .Select(i => (Index: i, Name: parameters[i].Name ?? "", Registered: parameters[i].GetCustomAttribute<RegisteredAttribute>() is not null))
            .ToArray();
        if (checkedValues.Length == 0)
        {
            return next;
        }
        return async invocation =>
        {
            var errors = new ValidationErrors();
            foreach (var (index, name, _) in checkedValues)
            {
                if (invocation.Arguments[index] is LevelValue atLevel)
                {
                    var level = invocation.HttpContext.GetEndpoint()?.Metadata.GetMetadata<RouteLevel>()?.Level
                        ?? throw new InvalidOperationException($"{context.MethodInfo.Name} takes a {nameof(LevelValue)}: map it with .ForLevel(level).");
                    invocation.Arguments[index] = atLevel.At(level);
                }
                (invocation.Arguments[index] as ICheckedValue)?.Check(errors, name);
            }
            if (!errors.IsEmpty)
            {
                return Problems.Invalid(errors);
            }
            foreach (var (index, _, registered) in checkedValues)
            {
                if (registered && invocation.Arguments[index] is IUnitValue { Unit: var unit }
                    && !await invocation.HttpContext.RequestServices.GetRequiredService<IGrainFactory>().GetUnit(unit).IsRegistered())
                {
                    return NotRegistered(unit);
                }
            }
            return await next(invocation);
        };
    }

    /// <summary>The one answer for a well-formed code of a unit that is not registered.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotRegistered(UnitCode unit) =>
        Problems.NotFound($"No {unit.Level.Name()} {unit} is registered.");
}
