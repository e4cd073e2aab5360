using System.Text;
using System.Text.Json.Nodes;
using AcsPush.Functions.EventGrid;
using Xunit;

namespace AcsPush.Functions.Tests.EventGrid;

public class EventGridRequestParserTests
{
    private static readonly string Bob = TestEvents.AcsUser("bob");
    private static readonly string Alice = TestEvents.AcsUser("alice");

    private static string EventGridBatch(params string[] ids) =>
        TestEvents.Batch(ids.Select(id => TestEvents.EventGridEnvelope(id, TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice))).ToArray());

    private static string CloudEventBatch(params string[] ids) =>
        TestEvents.Batch(ids.Select(id => TestEvents.CloudEventEnvelope(id, TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice))).ToArray());

    private static ParseResult Parse(string body, string? contentType) => EventGridRequestParser.Parse(Encoding.UTF8.GetBytes(body), contentType);

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    [InlineData(null)]
    public void Parse_EventGridArray_ReadsEveryEvent(string? contentType)
    {
        var result = Parse(EventGridBatch("a", "b", "c"), contentType);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(["a", "b", "c"], result.Events.Select(e => e.Id));
        Assert.All(result.Events, e => Assert.Equal(EventSchema.EventGrid, e.Schema));
        Assert.All(result.Events, e => Assert.Equal(TestEvents.ChatMessageReceived, e.EventType));
        Assert.Equal([0, 1, 2], result.Events.Select(e => e.Index));
    }

    [Theory]
    [InlineData("application/cloudevents-batch+json")]
    [InlineData("application/json")]
    public void Parse_CloudEventArray_ReadsEveryEvent(string contentType)
    {
        var result = Parse(CloudEventBatch("a", "b"), contentType);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(["a", "b"], result.Events.Select(e => e.Id));
        Assert.All(result.Events, e => Assert.Equal(EventSchema.CloudEvents, e.Schema));
    }

    [Fact]
    public void Parse_SingleCloudEvent_ReadsItsData()
    {
        var body = TestEvents.CloudEventEnvelope("one", TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, "Hi")).ToJsonString();

        var result = Parse(body, "application/cloudevents+json; charset=utf-8");

        Assert.True(result.Succeeded, result.Error);
        var data = Assert.IsType<ChatMessageData>(Assert.Single(result.Events).Data);
        Assert.Equal(Bob, data.Recipient!.RawId);
        Assert.Equal(Alice, data.Sender!.RawId);
        Assert.Equal("Hi", data.MessageBody);
        Assert.Equal(TestEvents.ThreadId, data.ThreadId);
    }

    [Fact]
    public void Parse_EmptyArray_SucceedsWithNoEvents()
    {
        var result = Parse("[]", "application/json");

        Assert.True(result.Succeeded);
        Assert.Empty(result.Events);
    }

    // Microsoft's example of the validation event Event Grid sends when a subscription is created.
    internal const string DocumentedValidationEvent = """[{"id":"2d1781af-3a4c-4d7c-bd0c-e34b19da4e66","topic":"/subscriptions/xx/resourceGroups/xx/providers/Microsoft.Storage/storageAccounts/xx","subject":"","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6","validationUrl":"https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/estest/validate?id=512d38b6-c7b8-40c8-89fe-f46f9e9622b6&t=2018-04-26T20:30:54.4538837Z&apiVersion=2018-05-01-preview&token=1A1A1A1A"},"eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","eventTime":"2018-01-25T22:12:19.4556811Z","metadataVersion":"1","dataVersion":"1"}]""";

    [Fact]
    public void Parse_DocumentedValidationEventWithEmptySubject_ReadsItsCode()
    {
        var result = Parse(DocumentedValidationEvent, "application/json");

        Assert.True(result.Succeeded, result.Error);
        var validation = Assert.Single(result.Events);
        Assert.Equal("Microsoft.EventGrid.SubscriptionValidationEvent", validation.EventType);
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", Assert.IsType<SubscriptionValidationData>(validation.Data).ValidationCode);
    }

    public static TheoryData<string, string?, string> Unprocessable() => new()
    {
        { "not json", "application/json", "not valid UTF-8 JSON" },
        { "[{\"id\":", "application/json", "not valid UTF-8 JSON" },
        { "", "application/json", "not valid UTF-8 JSON" },
        { new string('[', 65) + new string(']', 65), "application/json", "deeper than 64" },
        { "\"text\"", "application/json", "JSON array" },
        { "42", "application/json", "JSON array" },
        { TestEvents.EventGridEnvelope("x", TestEvents.ChatMessageReceived, TestEvents.MessageData(TestEvents.AcsUser("b"), TestEvents.AcsUser("a"))).ToJsonString(), "application/json", "JSON array" },
        { "[]", "text/plain", "not supported" },
        { "[]", "application/xml", "not supported" },
        { "[]", "application/cloudevents+json", "single event" },
        { "{\"id\":\"1\",\"specversion\":\"1.0\",\"type\":\"T\",\"source\":\"s\"}", "application/cloudevents-batch+json", "JSON array" },
    };

    [Theory]
    [MemberData(nameof(Unprocessable))]
    public void Parse_BodyThatCanNeverBeProcessed_FailsWithReason(string body, string? contentType, string expectedFragment)
    {
        var result = Parse(body, contentType);

        Assert.False(result.Succeeded);
        Assert.Contains(expectedFragment, result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Events);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'[', 0xC3, 0x28, (byte)']' })]
    [InlineData(new byte[] { (byte)'[', (byte)'"', 0xFF, (byte)'"', (byte)']' })]
    [InlineData(new byte[] { (byte)'[', (byte)'"', 0xED, 0xA0, 0x80, (byte)'"', (byte)']' })]
    public void Parse_InvalidUtf8_Fails(byte[] body)
    {
        var result = EventGridRequestParser.Parse(body, "application/json");

        Assert.False(result.Succeeded);
        Assert.Contains("UTF-8", result.Error, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> InvalidEvents() => new()
    {
        { "1", "not a JSON object" },
        { "null", "not a JSON object" },
        { "{\"hello\":\"world\"}", "neither 'eventType'" },
        { "{\"eventType\":\"T\"}", "'id'" },
        { "{\"id\":\" \",\"eventType\":\"T\"}", "'id'" },
        { "{\"id\":1,\"eventType\":\"T\"}", "'id'" },
        { "{\"id\":\"\\ud800\",\"eventType\":\"T\"}", "'id'" },
        { "{\"id\":\"1\",\"eventType\":\"\"}", "'eventType'" },
        { "{\"id\":\"1\",\"eventType\":\"\\udc00x\"}", "'eventType'" },
        { "{\"id\":\"1\",\"specversion\":\"1.0\"}", "'type'" },
        { "{\"id\":\"1\",\"specversion\":\"0.3\",\"type\":\"T\",\"source\":\"s\"}", "not 1.0" },
        { "{\"id\":\"1\",\"specversion\":\"" + new string('9', 50_000) + "\",\"type\":\"T\"}", "not 1.0" },
    };

    [Theory]
    [MemberData(nameof(InvalidEvents))]
    public void Parse_EventThatCanNeverBeProcessed_OthersStillRead(string invalid, string expectedFragment)
    {
        var body = "[" + TestEvents.EventGridEnvelope("good-1", TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice)).ToJsonString()
            + "," + invalid + ","
            + TestEvents.CloudEventEnvelope("good-2", TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice)).ToJsonString() + "]";

        var result = Parse(body, "application/json");

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(3, result.Events.Count);
        Assert.Null(result.Events[0].Problem);
        Assert.Contains(expectedFragment, result.Events[1].Problem, StringComparison.Ordinal);
        Assert.True(result.Events[1].Problem!.Length < 200, "a problem is a fixed sentence, never an echo of the event");
        Assert.Null(result.Events[2].Problem);
        Assert.Equal(["good-1", "good-2"], result.Events.Where(e => e.Problem is null).Select(e => e.Id));
    }

    [Fact]
    public void Parse_EnvelopeMembersTheAppDoesNotUse_NotRequired()
    {
        var result = Parse("""[{"id":"1","eventType":"T"},{"id":"2","specversion":"1.0","type":"T"}]""", "application/json");

        Assert.True(result.Succeeded, result.Error);
        Assert.All(result.Events, e => Assert.Null(e.Problem));
    }

    [Fact]
    public void Parse_UnknownEventType_ReadsEventWithoutData()
    {
        var body = TestEvents.Batch(TestEvents.EventGridEnvelope("u", "Contoso.Items.ItemShipped", new JsonObject { ["x"] = 1 }));

        var result = Parse(body, "application/json");

        Assert.True(result.Succeeded, result.Error);
        Assert.Null(result.Events[0].Data);
    }

    [Fact]
    public void Parse_LoneSurrogateInMessageText_ReadsTextAsAbsent()
    {
        var body = EventGridBatch("a").Replace("\"Hello!\"", "\"Hi \\ud800 there\"", StringComparison.Ordinal);

        var result = Parse(body, "application/json");

        var data = Assert.IsType<ChatMessageData>(Assert.Single(result.Events).Data);
        Assert.Null(data.MessageBody);
        Assert.Equal(Bob, data.Recipient!.RawId);
    }

    public static TheoryData<string, JsonObject> ChatEvents() => new()
    {
        { TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, "Lunch?", "Alice", "RichText/Html") },
        { TestEvents.ChatMessageReceived, TestEvents.MessageData("4:+14255550123", Alice) },
        { TestEvents.ChatThreadCreatedWithUser, TestEvents.ThreadCreatedData(Bob, Alice, "Carol", "Topic") },
        { TestEvents.ChatParticipantAddedToThreadWithUser, TestEvents.ParticipantAddedData(Bob, Bob, Alice) },
        { TestEvents.ChatParticipantAddedToThreadWithUser, TestEvents.ParticipantAddedData("8:orgid:6ed4e7a2-3f39-4ab1-b5b0-8b9b1f7b2c11", Bob, Alice) },
    };

    // The Event Grid SDK's typed models read the same members: an independent reading of the same JSON.
    [Theory]
    [MemberData(nameof(ChatEvents))]
    public void Parse_ChatEvents_ReadsWhatTheEventGridSdkReads(string eventType, JsonObject data)
    {
        var ours = TestEvents.Incoming(eventType, data).Data;
        var sdk = TestEvents.SdkTyped(eventType, data);

        switch (ours, sdk)
        {
            case (ChatMessageData o, Azure.Messaging.EventGrid.SystemEvents.AcsChatMessageReceivedEventData s):
                Assert.Equal((s.RecipientCommunicationIdentifier.RawId, s.SenderCommunicationIdentifier.RawId, s.SenderDisplayName, s.ThreadId, s.MessageId, s.Type, s.MessageBody),
                    (o.Recipient!.RawId, o.Sender!.RawId, o.SenderDisplayName, o.ThreadId, o.MessageId, o.MessageType, o.MessageBody));
                Assert.Equal(s.RecipientCommunicationIdentifier.PhoneNumber is not null, o.Recipient.IsPhoneNumber);
                break;
            case (ChatThreadCreatedData o, Azure.Messaging.EventGrid.SystemEvents.AcsChatThreadCreatedWithUserEventData s):
                Assert.Equal((s.RecipientCommunicationIdentifier.RawId, s.CreatedByCommunicationIdentifier.RawId, s.ThreadId),
                    (o.Recipient!.RawId, o.CreatedBy!.RawId, o.ThreadId));
                Assert.Equal(s.Participants.Select(p => ((string?)p.ParticipantCommunicationIdentifier.RawId, (string?)p.DisplayName)), o.Participants.Select(p => (p.Identifier!.RawId, p.DisplayName)));
                Assert.Equal(s.Properties["topic"] is System.Text.Json.JsonElement topic ? topic.GetString() : s.Properties["topic"] as string, o.Topic);
                break;
            case (ChatParticipantAddedData o, Azure.Messaging.EventGrid.SystemEvents.AcsChatParticipantAddedToThreadWithUserEventData s):
                Assert.Equal((s.RecipientCommunicationIdentifier.RawId, s.AddedByCommunicationIdentifier.RawId, s.ParticipantAdded.ParticipantCommunicationIdentifier.RawId, s.ThreadId),
                    (o.Recipient!.RawId, o.AddedBy!.RawId, o.ParticipantAdded!.RawId, o.ThreadId));
                Assert.Equal(s.RecipientCommunicationIdentifier.MicrosoftTeamsUser is not null, o.Recipient.IsMicrosoftTeamsUser);
                break;
            default:
                Assert.Fail($"Read {ours?.GetType().Name ?? "nothing"}; the SDK read {sdk?.GetType().Name ?? "nothing"}.");
                break;
        }
    }
}
