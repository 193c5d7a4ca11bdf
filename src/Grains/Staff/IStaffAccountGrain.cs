namespace GridActors.Grains.Staff;

/// <summary>
/// A staff account (工作人员账号) as listed to admins: who signs in to the console, within which jurisdiction, with which
/// roles. Never its password hash.
/// </summary>
[GenerateSerializer, Immutable, Alias("GridActors.StaffAccountInfo")]
public sealed record StaffAccountInfo(
    string Username,
    string DisplayName,
    string Jurisdiction,
    IReadOnlyList<string> Roles,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DisabledAt);

/// <summary>What the console checks a password against: the account and its password hash.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.StaffCredentials")]
public sealed record StaffCredentials(StaffAccountInfo Account, string PasswordHash);

/// <summary>
/// One staff account, keyed by its username (lower case). The password is hashed by the gateway (ASP.NET Core's
/// password hasher: salted PBKDF2) before it reaches the grain, so no plain password is ever stored or sent between silos.
/// </summary>
[Alias("GridActors.IStaffAccountGrain")]
public interface IStaffAccountGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the account; null when the username is taken (by anyone: usernames are never reused), unless
    /// <paramref name="request"/> (the fingerprint of a request with an Idempotency-Key) is the one that created it: then
    /// the account is answered again, marked <see cref="StaffCreation.Replayed"/>.
    /// </summary>
    [Alias("Create")]
    Task<StaffCreation?> Create(string displayName, string jurisdiction, IReadOnlyList<string> roles, string passwordHash, string? request = null);

    [Alias("Get")]
    Task<StaffAccountInfo?> Get();

    /// <summary>The account with its hash, for signing in; null when there is no such account.</summary>
    [Alias("Credentials")]
    Task<StaffCredentials?> Credentials();

    /// <summary>Disables the account (it can no longer sign in, and its sessions end); false when there is none.</summary>
    [Alias("Disable")]
    Task<bool> Disable();

    /// <summary>
    /// What a sign-in checks: the credentials (null when there is no such account), until when the username is locked,
    /// and whether an admin's reset asks for a new password.
    /// </summary>
    [Alias("SignInState")]
    Task<StaffSignInState> SignInState();

    /// <summary>
    /// Counts a failed sign-in of this username; <paramref name="maxFailures"/> within <paramref name="window"/> lock it
    /// for <paramref name="lockFor"/> (the rule is the gateway's, StaffPasswords). A username without an account counts
    /// too, in memory only, so a locked answer never tells whether the account exists.
    /// </summary>
    [Alias("FailedSignIn")]
    Task<StaffLockout> FailedSignIn(int maxFailures, TimeSpan window, TimeSpan lockFor);

    /// <summary>A successful sign-in: the failures counted so far are forgotten.</summary>
    [Alias("SignedIn")]
    Task SignedIn();

    /// <summary>
    /// Replaces the password hash (the account's own change, or an admin's reset with <paramref name="mustChange"/>, which
    /// asks for a new one at the next sign-in); a reset also lifts a lockout. False when there is no account.
    /// </summary>
    [Alias("SetPassword")]
    Task<bool> SetPassword(string passwordHash, bool mustChange);
}

/// <summary>What a sign-in reads of an account (登录状态).</summary>
[GenerateSerializer, Immutable, Alias("GridActors.StaffSignInState")]
public sealed record StaffSignInState(
    [property: Id(0)] StaffCredentials? Credentials,
    [property: Id(1)] DateTimeOffset? LockedUntil,
    [property: Id(2)] bool MustChangePassword);

/// <summary>After a failed sign-in: until when the username is locked (null: not locked), and whether this failure locked it.</summary>
[GenerateSerializer, Immutable, Alias("GridActors.StaffLockout")]
public sealed record StaffLockout([property: Id(0)] DateTimeOffset? LockedUntil, [property: Id(1)] bool JustLocked);

/// <summary>
/// The usernames of all staff accounts with their jurisdictions, for an admin's list (only the accounts within its
/// jurisdiction). Staff of a county number in the hundreds or low thousands, so one grain holds them all, as with keys.
/// </summary>
[Alias("GridActors.IStaffDirectoryGrain")]
public interface IStaffDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Add")]
    Task Add(string username, string jurisdiction);

    /// <summary>The usernames of the accounts within <paramref name="jurisdiction"/>, in order.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> List(string jurisdiction);

    /// <summary>The usernames of the accounts whose jurisdiction is exactly <paramref name="unit"/> (its own staff, whom notifications reach).</summary>
    [Alias("At")]
    Task<IReadOnlyList<string>> At(string unit);

    /// <summary>Whether any account was ever made (the first start makes the bootstrap admin's).</summary>
    [Alias("Any")]
    Task<bool> Any();
}

[GenerateSerializer, Alias("GridActors.StaffCreation")]
public sealed record StaffCreation([property: Id(0)] StaffAccountInfo Account, [property: Id(1)] bool Replayed);
