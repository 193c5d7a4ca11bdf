namespace GridActors.Tests.Infrastructure;

/// <summary>
/// Escalations cross a stream and statistics are pushed up in batches, both after the HTTP answer. A test
/// that checks the far side waits for the condition, with a deadline, instead of sleeping a fixed time.
/// </summary>
public static class Eventually
{
    public static async Task<T> Get<T>(Func<Task<T>> read, Func<T, bool> done, string what, int seconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        T value;
        while (!done(value = await read()))
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"timed out after {seconds} s waiting for {what}; last value: {value}");
            }
            await Task.Delay(20);
        }
        return value;
    }
}
