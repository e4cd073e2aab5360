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

    private static ParseResult Parse(string body, string? contentType) => EventGridRequestParser.Parse(BinaryData.FromString(body), contentType);

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    [InlineData(null)]
    public void Parse_EventGridArray_ReadsEveryEvent(string? contentType)
    {
        var result = Parse(EventGridBatch("a", "b", "c"), contentType);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(EventSchema.EventGrid, result.Schema);
        Assert.Equal(["a", "b", "c"], result.Events.Select(e => e.Id));
        Assert.All(result.Events, e => Assert.Equal(TestEvents.ChatMessageReceived, e.EventType));
    }

    [Theory]
    [InlineData("application/cloudevents-batch+json")]
    [InlineData("application/json")]
    public void Parse_CloudEventArray_ReadsEveryEvent(string contentType)
    {
        var result = Parse(CloudEventBatch("a", "b"), contentType);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(EventSchema.CloudEvents, result.Schema);
        Assert.Equal(["a", "b"], result.Events.Select(e => e.Id));
    }

    [Fact]
    public void Parse_SingleCloudEvent_ReadsIt()
    {
        var body = TestEvents.CloudEventEnvelope("one", TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice)).ToJsonString();

        var result = Parse(body, "application/cloudevents+json; charset=utf-8");

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("one", Assert.Single(result.Events).Id);
        Assert.True(result.Events[0].TryGetSystemEventData(out var data));
        Assert.IsType<Azure.Messaging.EventGrid.SystemEvents.AcsChatMessageReceivedEventData>(data);
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
    public void Parse_DocumentedValidationEventWithEmptySubject_ReadsIt()
    {
        var result = Parse(DocumentedValidationEvent, "application/json");

        Assert.True(result.Succeeded, result.Error);
        var validation = Assert.Single(result.Events);
        Assert.Equal("Microsoft.EventGrid.SubscriptionValidationEvent", validation.EventType);
        Assert.True(validation.TryGetSystemEventData(out var data));
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", Assert.IsType<Azure.Messaging.EventGrid.SystemEvents.SubscriptionValidationEventData>(data).ValidationCode);
    }

    [Theory]
    [InlineData("", "1")]
    [InlineData("s", "")]
    [InlineData("", "")]
    public void Parse_EmptySubjectOrDataVersion_ReadsEvent(string subject, string dataVersion)
    {
        var body = TestEvents.Batch(new JsonObject
        {
            ["id"] = "1",
            ["eventType"] = "T",
            ["subject"] = subject,
            ["eventTime"] = "2026-01-01T00:00:00Z",
            ["dataVersion"] = dataVersion,
            ["data"] = new JsonObject(),
        });

        var result = Parse(body, "application/json");

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("1", Assert.Single(result.Events).Id);
    }

    public static TheoryData<string, string?, string> Unprocessable() => new()
    {
        { "not json", "application/json", "not valid JSON" },
        { "[{\"id\":", "application/json", "not valid JSON" },
        { "", "application/json", "not valid JSON" },
        { "\"text\"", "application/json", "JSON array" },
        { "42", "application/json", "JSON array" },
        { TestEvents.EventGridEnvelope("x", TestEvents.ChatMessageReceived, TestEvents.MessageData(TestEvents.AcsUser("b"), TestEvents.AcsUser("a"))).ToJsonString(), "application/json", "JSON array" },
        { "[1, 2]", "application/json", "not a JSON object" },
        { "[{\"hello\":\"world\"}]", "application/json", "neither 'eventType'" },
        { "[{\"eventType\":\"T\",\"subject\":\"s\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"dataVersion\":\"1\"}]", "application/json", "'id'" },
        { "[{\"id\":\"1\",\"eventType\":\"T\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"dataVersion\":\"1\"}]", "application/json", "'subject'" },
        { "[{\"id\":\"1\",\"eventType\":\"T\",\"subject\":null,\"eventTime\":\"2026-01-01T00:00:00Z\",\"dataVersion\":\"1\"}]", "application/json", "'subject'" },
        { "[{\"id\":\"1\",\"eventType\":\"T\",\"subject\":\"s\",\"eventTime\":\"2026-01-01T00:00:00Z\"}]", "application/json", "'dataVersion'" },
        { "[{\"id\":\"1\",\"eventType\":\"T\",\"subject\":\"s\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"dataVersion\":1}]", "application/json", "'dataVersion'" },
        { "[{\"id\":\" \",\"eventType\":\"T\",\"subject\":\"s\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"dataVersion\":\"1\"}]", "application/json", "'id'" },
        { "[{\"id\":\"1\",\"eventType\":\"\",\"subject\":\"s\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"dataVersion\":\"1\"}]", "application/json", "'eventType'" },
        { "[{\"id\":\"1\",\"eventType\":\"T\",\"subject\":\"s\",\"eventTime\":\"\",\"dataVersion\":\"1\"}]", "application/json", "'eventTime'" },
        { "[{\"id\":\"1\",\"specversion\":\"1.0\",\"type\":\"T\"}]", "application/json", "'source'" },
        { "[{\"id\":\"1\",\"specversion\":\"0.3\",\"type\":\"T\",\"source\":\"s\"}]", "application/json", "only CloudEvents 1.0" },
        { "[{\"id\":1,\"eventType\":\"T\",\"subject\":\"s\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"dataVersion\":\"1\"}]", "application/json", "'id'" },
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

    [Fact]
    public void Parse_MixedSchemas_Fails()
    {
        var body = TestEvents.Batch(
            TestEvents.EventGridEnvelope("a", TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice)),
            TestEvents.CloudEventEnvelope("b", TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice)));

        Assert.Contains("mix", Parse(body, "application/json").Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EventGridInCloudEventBatchContentType_Fails()
    {
        Assert.False(Parse(EventGridBatch("a"), "application/cloudevents-batch+json").Succeeded);
    }

    [Fact]
    public void Parse_UnknownEventType_ReadsEventWithoutTypedData()
    {
        var body = TestEvents.Batch(TestEvents.EventGridEnvelope("u", "Contoso.Items.ItemShipped", new System.Text.Json.Nodes.JsonObject { ["x"] = 1 }));

        var result = Parse(body, "application/json");

        Assert.True(result.Succeeded, result.Error);
        Assert.False(result.Events[0].TryGetSystemEventData(out _));
    }
}
