using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GridActors.Grains.Notifications;

public static class NotificationServices
{
    /// <summary>The channels notifications travel by and their settings (section <c>Notifications</c>, docs/notifications.md).</summary>
    public static IServiceCollection AddGridActorsNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationSettings>().Bind(configuration.GetSection(NotificationSettings.Section));
        services.AddSingleton<INotificationChannel, HttpSmsChannel>();
        services.AddSingleton<INotificationChannel, SmtpEmailChannel>();
        services.AddSingleton<INotificationChannel, InboxChannel>();
        return services;
    }
}
