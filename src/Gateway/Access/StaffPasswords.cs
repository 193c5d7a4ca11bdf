using GridActors.Grains.Staff;
using Microsoft.AspNetCore.Identity;

namespace GridActors.Gateway.Access;

/// <summary>
/// Staff passwords, hashed with ASP.NET Core's password hasher (PBKDF2 with a per-password salt and a slow iteration
/// count) and checked against an account: the one place that knows how a password is kept.
/// </summary>
public sealed class StaffPasswords(IGrainFactory grains)
{
    public const int MinLength = 10;
    public const int MaxLength = 128;
    public const string Rule = "must be 10 to 128 characters";

    private static readonly PasswordHasher<StaffAccountInfo> Hasher = new();

    // Checked when there is no account, so an unknown username takes as long to refuse as a wrong password.
    private static readonly Lazy<string> Decoy = new(() => Hasher.HashPassword(null!, "decoy-password-never-used"));

    public static bool IsValid(string? password) => password is { Length: >= MinLength and <= MaxLength };

    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    /// <summary>The account when the username and password match an enabled account; null otherwise.</summary>
    public async Task<StaffAccountInfo?> Verify(string? username, string? password)
    {
        var name = username?.Trim().ToLowerInvariant();
        if (!StaffUsernames.IsValid(name) || string.IsNullOrEmpty(password) || password.Length > MaxLength)
        {
            Hasher.VerifyHashedPassword(null!, Decoy.Value, password ?? "");
            return null;
        }
        var credentials = await grains.GetGrain<IStaffAccountGrain>(name!).Credentials();
        var result = Hasher.VerifyHashedPassword(null!, credentials?.PasswordHash ?? Decoy.Value, password);
        return credentials is { Account.DisabledAt: null } && result != PasswordVerificationResult.Failed ? credentials.Account : null;
    }
}
