using AcsPush.Functions.EventGrid;

namespace AcsPush.Functions.Notifications;

/// <summary>Kinds of communication identifiers found in ACS events.</summary>
public enum RecipientKind
{
    /// <summary>No identifier, or one without a raw id.</summary>
    Missing,

    /// <summary>An ACS user (<c>8:acs:…</c>): has devices registered in the hub under its tag.</summary>
    CommunicationUser,

    /// <summary>A phone number (<c>4:+…</c>): reached over PSTN/SMS, never by app push.</summary>
    PhoneNumber,

    /// <summary>A Microsoft Teams user (<c>8:orgid:…</c>): Teams notifies its own clients.</summary>
    MicrosoftTeamsUser,

    /// <summary>Any other kind (bots, Teams apps, future kinds): no devices of ours to reach.</summary>
    Unknown,
}

/// <summary>Classifies communication identifiers; only ACS users can receive pushes from this app.</summary>
public static class CommunicationRecipient
{
    /// <summary>
    /// The kinds in ACS user raw ids <c>8:{kind}:…</c>, as a regular-expression alternation: public cloud <c>acs</c>,
    /// the legacy <c>spool</c> form, and the US Government clouds <c>gcch-acs</c> and <c>dod-acs</c>.
    /// </summary>
    internal const string CommunicationUserKinds = "acs|spool|gcch-acs|dod-acs";

    /// <summary>Raw id prefixes of ACS users (<c>8:acs:</c>, …), in the order of <see cref="CommunicationUserKinds"/>.</summary>
    internal static IReadOnlyList<string> CommunicationUserPrefixes { get; } =
        [.. CommunicationUserKinds.Split('|').Select(kind => $"8:{kind}:")];

    /// <summary>Tells whether <paramref name="rawId"/> starts with the prefix of an ACS user (<c>8:acs:</c>, …).</summary>
    internal static bool IsCommunicationUserRawId(string rawId) =>
        CommunicationUserPrefixes.Any(prefix => rawId.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Returns the raw id of <paramref name="identifier"/> (trimmed), or null when it has none.</summary>
    public static string? RawIdOf(CommunicationIdentifier? identifier)
    {
        var rawId = identifier?.RawId;
        return string.IsNullOrWhiteSpace(rawId) ? null : rawId.Trim();
    }

    /// <summary>Tells what kind of identifier <paramref name="identifier"/> is, from its typed model or else its raw id.</summary>
    public static RecipientKind Classify(CommunicationIdentifier? identifier)
    {
        var rawId = RawIdOf(identifier);
        if (identifier is null || rawId is null)
        {
            return RecipientKind.Missing;
        }

        if (identifier.IsPhoneNumber || rawId.StartsWith("4:", StringComparison.Ordinal))
        {
            return RecipientKind.PhoneNumber;
        }

        if (identifier.IsMicrosoftTeamsUser || rawId.StartsWith("8:orgid:", StringComparison.Ordinal)
            || rawId.StartsWith("8:teamsvisitor:", StringComparison.Ordinal) || rawId.StartsWith("8:dod:", StringComparison.Ordinal)
            || rawId.StartsWith("8:gcch:", StringComparison.Ordinal))
        {
            return RecipientKind.MicrosoftTeamsUser;
        }

        if (identifier.IsCommunicationUser || IsCommunicationUserRawId(rawId))
        {
            return RecipientKind.CommunicationUser;
        }

        return RecipientKind.Unknown;
    }
}
