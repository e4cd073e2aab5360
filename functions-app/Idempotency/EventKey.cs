using System.Security.Cryptography;
using System.Text;

namespace AcsPush.Functions.Idempotency;

/// <summary>
/// The identity of one event, derived from its id by SHA-256 so that ids of any length and any characters make a
/// fixed-length key: 64 lower-case hex characters, valid as a Table storage key (at most 1 KiB, none of the forbidden
/// <c>/ \ # ?</c> or control characters). It keys the event's idempotency record and, shortened, the collapse identity
/// of its pushes.
/// </summary>
public readonly record struct EventKey
{
    private EventKey(string hash) => Hash = hash;

    /// <summary>Lower-case hex SHA-256 of the UTF-8 event id (64 characters).</summary>
    public string Hash { get; }

    /// <summary>
    /// The collapse identity of every push derived from the event: the first 32 hex characters of <see cref="Hash"/>
    /// (128 bits), well within APNs' 64-byte <c>apns-collapse-id</c>.
    /// </summary>
    public string CollapseId => Hash[..32];

    /// <summary>The key of the event with id <paramref name="eventId"/> (a valid string: the parser refuses lone surrogates).</summary>
    public static EventKey For(string eventId)
    {
        ArgumentNullException.ThrowIfNull(eventId);
        return new EventKey(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId))));
    }

    public override string ToString() => Hash;
}
