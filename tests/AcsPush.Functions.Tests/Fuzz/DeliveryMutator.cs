using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace AcsPush.Functions.Tests.Fuzz;

/// <summary>The ways <see cref="DeliveryMutator"/> damages a delivery, after the kinds of input seen break webhooks.</summary>
internal enum MutationKind
{
    Truncate,
    FlipBytes,
    InvalidUtf8,
    LoneSurrogate,
    WrongType,
    Null,
    HugeString,
    DeepNesting,
    LongArray,
    RemoveMember,
    DuplicateEvent,
    MixSchemas,
    InsertValidation,
    Oversize,
}

/// <summary>One mutation; <see cref="Position"/> and <see cref="Choice"/> are reduced to what the body offers when applied.</summary>
internal sealed record Mutation(MutationKind Kind, int Position, int Choice);

/// <summary>A generated delivery: a corpus body, its mutations, and the headers to send it with.</summary>
internal sealed record FuzzCase(int Number, int Corpus, Mutation[] Mutations, int HeaderChoice, int ContentTypeChoice, bool Redeliver)
{
    public string Describe() =>
        $"case {Number}: corpus #{Corpus}, [{string.Join(", ", Mutations.Select(m => m.Kind))}], header {HeaderChoice}, content type {ContentTypeChoice}{(Redeliver ? ", redelivery" : string.Empty)}";
}

/// <summary>
/// Turns a valid delivery from the fixture corpus into a damaged one. JSON-level mutations (wrong types, nulls, lone
/// surrogate escapes, huge strings, deep nesting, 6,000-item arrays, removed members, repeated or mixed-schema events,
/// a validation event) are applied to the parsed body; byte-level ones (truncation, flipped bytes, invalid UTF-8, an
/// oversized body) to the bytes after. Every event id is first made unique to the case, so separate cases never meet
/// in the idempotency table unless a mutation makes them.
/// </summary>
internal static class DeliveryMutator
{
    private const string LonePlaceholder = "\u0001LONE\u0001";

    public static readonly string[] EventTypeHeaders = ["(corpus)", "(absent)", "Notification", "SubscriptionValidation", "notification", new string('N', 300)];

    public static readonly string[] ContentTypes = ["(corpus)", "(absent)", "application/json", "application/cloudevents+json", "application/cloudevents-batch+json", "text/plain", "garbage;;;=", "application/json; charset=utf-8"];

    public static Gen<FuzzCase> Cases(int corpusSize)
    {
        var mutation = Gen.Select(Gen.Enum<MutationKind>(), Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], (kind, position, choice) => new Mutation(kind, position, choice));
        var header = Gen.Int[0, 99].Select(n => n < 70 ? 0 : 1 + (n % (EventTypeHeaders.Length - 1)));
        var contentType = Gen.Int[0, 99].Select(n => n < 80 ? 0 : 1 + (n % (ContentTypes.Length - 1)));
        return Gen.Select(Gen.Int[0, corpusSize - 1], mutation.Array[0, 3], header, contentType, Gen.Int[0, 99])
            .Select(t => new FuzzCase(0, t.Item1, t.Item2, t.Item3, t.Item4, t.Item5 < 5));
    }

    /// <summary>The body of <paramref name="fuzz"/> made from <paramref name="corpusBody"/>; <paramref name="tooLarge"/> is the webhook's body limit plus one.</summary>
    public static byte[] Mutate(FuzzCase fuzz, byte[] corpusBody, int tooLarge)
    {
        var body = JsonMutated(fuzz, corpusBody) ?? corpusBody;
        foreach (var mutation in fuzz.Mutations.Where(m => m.Kind is < MutationKind.LoneSurrogate or MutationKind.Oversize))
        {
            body = ApplyBytes(body, mutation, tooLarge);
        }

        return body;
    }

    // Null when the corpus body is not JSON that System.Text.Json can rewrite (a lone surrogate, say): bytes only then.
    private static byte[]? JsonMutated(FuzzCase fuzz, byte[] corpusBody)
    {
        try
        {
            var root = JsonNode.Parse(corpusBody);
            if (root is null)
            {
                return null;
            }

            UniqueIds(root, fuzz.Number);
            foreach (var mutation in fuzz.Mutations.Where(m => m.Kind is >= MutationKind.LoneSurrogate and <= MutationKind.InsertValidation))
            {
                root = ApplyJson(root, mutation, fuzz.Number);
            }

            var placeholder = LonePlaceholder.Replace("\u0001", "\\u0001", StringComparison.Ordinal);
            return Encoding.UTF8.GetBytes(root.ToJsonString().Replace(placeholder, "\\ud800", StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static void UniqueIds(JsonNode root, int number)
    {
        var events = root is JsonArray array ? array.OfType<JsonObject>() : root is JsonObject single ? [single] : [];
        var i = 0;
        foreach (var item in events)
        {
            if (item["id"] is JsonValue)
            {
                item["id"] = $"fuzz-{number}-{i++}";
            }
        }
    }

    private static JsonNode ApplyJson(JsonNode root, Mutation mutation, int number)
    {
        var nodes = Descendants(root).ToList();
        var target = nodes[mutation.Position % nodes.Count];
        switch (mutation.Kind)
        {
            case MutationKind.LoneSurrogate:
                return Replace(root, target, JsonValue.Create(LonePlaceholder + "x"));
            case MutationKind.WrongType:
                JsonNode[] others = [JsonValue.Create(12345), JsonValue.Create(true), new JsonArray(1, "two"), new JsonObject { ["k"] = "v" }, JsonValue.Create("text")];
                return Replace(root, target, others[mutation.Choice % others.Length]);
            case MutationKind.Null:
                return Replace(root, target, null);
            case MutationKind.HugeString:
                string[] fills = ["x", "<", "\"", "é", "\u0001", "\U0001F468\u200D\U0001F469", "\\"];
                return Replace(root, target, JsonValue.Create($"{number}-" + string.Concat(Enumerable.Repeat(fills[mutation.Choice % fills.Length], 1000 + (mutation.Choice % 40_000)))));
            case MutationKind.DeepNesting:
                JsonNode nested = JsonValue.Create("deep");
                for (var i = 0; i < 40 + (mutation.Choice % 60); i++)
                {
                    nested = new JsonArray(nested);
                }

                return Replace(root, target, nested);
            case MutationKind.LongArray:
                // 6,000 copies of a small member (a participant, an id); a large one would only make an oversized body.
                var list = new JsonArray();
                var item = target is not null && Descendants(target).Take(16).Count() < 16 && target.ToJsonString().Length < 256 ? target.DeepClone() : JsonValue.Create("item");
                for (var i = 0; i < 6000; i++)
                {
                    list.Add(item.DeepClone());
                }

                return Replace(root, target, list);
            case MutationKind.RemoveMember when target?.Parent is JsonObject owner:
                owner.Remove(NameIn(owner, target));
                return root;
            case MutationKind.DuplicateEvent when root is JsonArray { Count: > 0 } events:
                events.Add(events[mutation.Choice % events.Count]?.DeepClone());
                return root;
            case MutationKind.MixSchemas when root is JsonArray { Count: > 0 } events && events[mutation.Choice % events.Count] is JsonObject source:
                events.Add(ToOtherSchema(source));
                return root;
            case MutationKind.InsertValidation when root is JsonArray events:
                var validation = new JsonObject
                {
                    ["id"] = $"fuzz-{number}-validation", ["subject"] = string.Empty, ["eventType"] = "Microsoft.EventGrid.SubscriptionValidationEvent",
                    ["eventTime"] = "2026-01-01T00:00:00Z", ["dataVersion"] = "1", ["data"] = new JsonObject { ["validationCode"] = $"code-{number}" },
                };
                events.Insert(mutation.Choice % (events.Count + 1), validation);
                return root;
            default:
                return root;
        }
    }

    private static byte[] ApplyBytes(byte[] body, Mutation mutation, int tooLarge)
    {
        switch (mutation.Kind)
        {
            case MutationKind.Truncate when body.Length > 0:
                return body[..(mutation.Position % body.Length)];
            case MutationKind.FlipBytes when body.Length > 0:
                var flipped = (byte[])body.Clone();
                for (var i = 0; i < 1 + (mutation.Choice % 4); i++)
                {
                    flipped[(mutation.Position + (i * 7919)) % flipped.Length] ^= (byte)(1 << ((mutation.Choice + i) % 8));
                }

                return flipped;
            case MutationKind.InvalidUtf8:
                byte[][] invalid = [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82]];
                var at = body.Length == 0 ? 0 : mutation.Position % body.Length;
                return [.. body[..at], .. invalid[mutation.Choice % invalid.Length], .. body[at..]];
            case MutationKind.Oversize:
                return [.. body, .. Enumerable.Repeat((byte)' ', Math.Max(0, tooLarge - body.Length))];
            default:
                return body;
        }
    }

    private static IEnumerable<JsonNode?> Descendants(JsonNode root)
    {
        var pending = new Stack<JsonNode?>([root]);
        while (pending.TryPop(out var node))
        {
            yield return node;
            var children = node switch
            {
                JsonObject o => o.Select(p => p.Value),
                JsonArray a => a,
                _ => [],
            };
            foreach (var child in children)
            {
                pending.Push(child);
            }
        }
    }

    private static JsonNode Replace(JsonNode root, JsonNode? target, JsonNode? replacement)
    {
        switch (target?.Parent)
        {
            case null:
                return replacement ?? JsonValue.Create("null root")!;
            case JsonObject owner:
                owner[NameIn(owner, target)] = replacement;
                return root;
            case JsonArray array:
                array[array.IndexOf(target)] = replacement;
                return root;
            default:
                return root;
        }
    }

    private static string NameIn(JsonObject owner, JsonNode target) => owner.First(p => ReferenceEquals(p.Value, target)).Key;

    private static JsonObject ToOtherSchema(JsonObject source)
    {
        var copy = source.DeepClone().AsObject();
        if (copy.Remove("eventType", out var type))
        {
            copy["type"] = type;
            copy["specversion"] = "1.0";
            copy["source"] = copy["topic"]?.DeepClone() ?? "/fuzz";
        }
        else if (copy.Remove("type", out var cloudType))
        {
            copy.Remove("specversion");
            copy["eventType"] = cloudType;
            copy["subject"] = string.Empty;
            copy["dataVersion"] = "1.0";
            copy["eventTime"] = "2026-01-01T00:00:00Z";
        }

        copy["id"] = copy["id"] is JsonValue id ? id.ToString() + "-other" : copy["id"]?.DeepClone();
        return copy;
    }
}
