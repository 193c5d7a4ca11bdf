using GridActors.Grains.Staff;
using Microsoft.AspNetCore.Identity;

namespace GridActors.Gateway.Access;

/// <summary>What a sign-in came to: the account (signed in), or locked until a time, or refused.</summary>
public sealed record StaffSignIn(StaffAccountInfo? Account, DateTimeOffset? LockedUntil, bool MustChangePassword, bool JustLocked)
{
    public static readonly StaffSignIn Refused = new(null, null, false, false);

    /// <summary>The account a refused sign-in named, if there is one: for the audit log of a lockout, never for the page.</summary>
    public StaffAccountInfo? Known { get; init; }
}

/// <summary>
/// Staff passwords, hashed with ASP.NET Core's password hasher (PBKDF2 with a per-password salt and a slow iteration
/// count) and checked against an account: the one place that knows how a password is kept, what a new one must be and
/// when failed sign-ins lock a username.
/// </summary>
public sealed class StaffPasswords(IGrainFactory grains)
{
    public const int MinLength = 10;
    public const int MaxLength = 128;
    public const string Rule = "must be 10 to 128 characters";

    /// <summary>Failed sign-ins of one username within <see cref="FailureWindow"/> that lock it for <see cref="LockFor"/>.</summary>
    public const int MaxFailures = 5;

    public static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LockFor = TimeSpan.FromMinutes(15);

    private static readonly PasswordHasher<StaffAccountInfo> Hasher = new();

    // Checked when there is no account, so an unknown username takes as long to refuse as a wrong password.
    private static readonly Lazy<string> Decoy = new(() => Hasher.HashPassword(null!, "decoy-password-never-used"));

    public static bool IsValid(string? password) => password is { Length: >= MinLength and <= MaxLength };

    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    /// <summary>
    /// Checks a sign-in. A locked username is refused as locked whatever the password (and whether or not it has an
    /// account: a guessed name locks alike); a wrong password counts towards the lock; a right one clears the count.
    /// </summary>
    public async Task<StaffSignIn> SignIn(string? username, string? password)
    {
        var name = username?.Trim().ToLowerInvariant();
        if (!StaffUsernames.IsValid(name) || string.IsNullOrEmpty(password) || password.Length > MaxLength)
        {
            Hasher.VerifyHashedPassword(null!, Decoy.Value, password ?? "");
            return StaffSignIn.Refused;
        }
        var grain = grains.GetGrain<IStaffAccountGrain>(name!);
        var known = await grain.SignInState();
        var result = Hasher.VerifyHashedPassword(null!, known.Credentials?.PasswordHash ?? Decoy.Value, password);
        if (known.LockedUntil is { } until)
        {
            return new StaffSignIn(null, until, false, false);
        }
        if (known.Credentials is { Account.DisabledAt: null } credentials && result != PasswordVerificationResult.Failed)
        {
            await grain.SignedIn();
            return new StaffSignIn(credentials.Account, null, known.MustChangePassword, false);
        }
        var lockout = await grain.FailedSignIn(MaxFailures, FailureWindow, LockFor);
        return new StaffSignIn(null, lockout.LockedUntil, false, lockout.JustLocked) { Known = known.Credentials?.Account };
    }

    /// <summary>
    /// A signed-in member's own change: the current password must match (a wrong one counts as a failed sign-in, so the
    /// form is no faster way to guess) and the new one keep the rule. Answers the field and rule broken, or null when changed.
    /// </summary>
    public async Task<(string Field, string Rule)?> Change(string username, string? current, string? replacement)
    {
        if (!IsValid(replacement))
        {
            return ("newPassword", Rule);
        }
        if (current == replacement)
        {
            return ("newPassword", "must differ from the current password");
        }
        var checkedIn = await SignIn(username, current);
        if (checkedIn.Account is null)
        {
            return checkedIn.LockedUntil is null ? ("currentPassword", "is not the current password") : ("currentPassword", "is locked after too many failed attempts; try again later");
        }
        await grains.GetGrain<IStaffAccountGrain>(checkedIn.Account.Username).SetPassword(Hash(replacement!), mustChange: false);
        return null;
    }

    /// <summary>An admin's reset: the new password is set and the member must choose another at the next sign-in.</summary>
    public Task<bool> Reset(string username, string password) =>
        grains.GetGrain<IStaffAccountGrain>(username).SetPassword(Hash(password), mustChange: true);
}
