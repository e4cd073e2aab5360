using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AcsPush.Functions.Benchmarks;

/// <summary>What the stand-in hub saw since its last reset.</summary>
internal sealed record HubTally(
    Dictionary<string, int[]> Sends,
    Dictionary<int, int> Statuses,
    int BadSignatures,
    int OtherRequests,
    Dictionary<string, int> Protocols,
    int Connections)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public int SendCount => Sends.Values.Sum(counts => counts.Sum());

    public static HubTally Parse(string json) =>
        JsonSerializer.Deserialize<HubTally>(json, Json) ?? throw new InvalidOperationException("The stand-in hub sent an empty tally.");
}

/// <summary>
/// Decides whether a delivery did exactly its job. Nothing is reported from a run in which one did not: the
/// webhook answered 200 and counted every fresh event's two pushes as sent and every repeated event as a
/// duplicate; the hub received, correctly signed, exactly one <c>apple</c> and one <c>fcmv1</c> send for each
/// fresh event's recipient, nothing for a repeated event's, and nothing else.
/// </summary>
internal static class DeliveryCheck
{
    /// <summary>Null when <paramref name="delivery"/> did exactly its job, else what was wrong.</summary>
    public static string? Problems(Delivery delivery, int status, string body, HubTally tally)
    {
        var problems = new List<string>();
        var expectedSends = 2 * delivery.Fresh.Count;
        if (status != 200)
        {
            problems.Add($"webhook answered {status}: {Shorten(body)}");
        }
        else
        {
            var (sent, duplicates) = Counts(body);
            if (sent != expectedSends)
            {
                problems.Add($"webhook reported {Text(sent)} pushes sent, expected {expectedSends}: {Shorten(body)}");
            }

            // Per event or per push: either way, every repeated event is counted and nothing else is.
            var repeated = delivery.Redelivered.Count;
            if (duplicates != repeated && duplicates != 2 * repeated)
            {
                problems.Add($"webhook reported {Text(duplicates)} duplicates for {repeated} repeated events: {Shorten(body)}");
            }
        }

        if (tally.SendCount != expectedSends)
        {
            problems.Add($"hub received {tally.SendCount} sends, expected {expectedSends} (2 x {delivery.Fresh.Count} fresh events)");
        }

        var wrong = delivery.Fresh.Count(e => tally.Sends.GetValueOrDefault(TagOf(e.Recipient)) is not [1, 1, 0]);
        if (wrong > 0)
        {
            problems.Add($"{wrong} fresh events' recipients did not get exactly one apple and one fcmv1 push");
        }

        var resent = delivery.Redelivered.Count(e => tally.Sends.ContainsKey(TagOf(e.Recipient)));
        if (resent > 0)
        {
            problems.Add($"{resent} repeated events were pushed again");
        }

        if (tally.Statuses.Keys.Any(code => code != 201) || tally.BadSignatures > 0 || tally.OtherRequests > 0)
        {
            problems.Add($"hub saw {tally.BadSignatures} badly signed sends, {tally.OtherRequests} other requests, statuses {string.Join(", ", tally.Statuses.Select(s => $"{s.Key}x{s.Value}"))}");
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>
    /// The hub tag of an ACS user as the function app documents it (<c>acsuser_</c> + lower-case hex SHA-256 of the
    /// raw id), derived here on its own so that a wrong tag in the app shows up as a failed check.
    /// </summary>
    public static string TagOf(string rawId) =>
        "acsuser_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rawId.Trim())));

    private static (int? Sent, int? Duplicates) Counts(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return (Int(root, "sent"), Int(root, "duplicates"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static int? Int(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) ? number : null;

    private static string Text(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "no";

    private static string Shorten(string text) => text.Length <= 300 ? text : string.Concat(text.AsSpan(0, 300), "…");
}
