using Xunit;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Tests.EventGrid;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace AcsPush.Functions.Tests.Notifications;

public class ChatEventRouterTests
{
    private static readonly string Bob = TestEvents.AcsUser("bob");
    private static readonly string Alice = TestEvents.AcsUser("alice");

    private static ChatEventRouter Router(bool includeText = true, int maxPreview = 180) =>
        new(Options.Create(new NotificationsOptions { IncludeMessageText = includeText, MaxPreviewLength = maxPreview }));

    [Fact]
    public void Route_MessageToAcsUser_SendsPreviewFromSender()
    {
        var data = TestEvents.Incoming(TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, "Lunch at noon?"));

        var decision = Router().Route(data);

        var push = Assert.IsType<PushNotification>(decision.Push);
        Assert.Equal(Bob, push.RecipientRawId);
        Assert.Equal("ev-1", push.EventId);
        Assert.Equal("Alice", push.Title);
        Assert.Equal("Lunch at noon?", push.Body);
        Assert.Equal(TestEvents.ThreadId, push.ThreadId);
        Assert.Equal("1700000000001", push.MessageId);
        Assert.Equal(PushKinds.ChatMessage, push.Kind);
    }

    [Fact]
    public void Route_PrivacyOn_SendsNoMessageText()
    {
        var data = TestEvents.Incoming(TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, "my secret plan"));

        var push = Router(includeText: false).Route(data).Push!;

        Assert.Equal(ChatEventRouter.GenericMessageBody, push.Body);
        Assert.DoesNotContain("secret", push.Title + push.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_HtmlMessage_SendsPlainTextPreview()
    {
        var data = TestEvents.Incoming(TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, "<p>Hi <b>Bob</b> &amp; team</p>", type: "RichText/Html"));

        Assert.Equal("Hi Bob & team", Router().Route(data).Push!.Body);
    }

    [Theory]
    [InlineData("Text")]
    [InlineData("text")]
    public void Route_PlainTextWithMarkupCharacters_SendsTheTextAsWritten(string type)
    {
        var data = TestEvents.Incoming(TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, "a < b &amp; <i>c</i>", type: type));

        Assert.Equal("a < b &amp; <i>c</i>", Router().Route(data).Push!.Body);
    }

    [Theory]
    [InlineData("html")]
    [InlineData("RICHTEXT/HTML")]
    public void Route_HtmlTypeInAnyCase_StripsMarkup(string type)
    {
        var data = TestEvents.Incoming(TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, "a <i>b</i> &amp; c", type: type));

        Assert.Equal("a b & c", Router().Route(data).Push!.Body);
    }

    [Fact]
    public void Route_LongMessage_PreviewShortenedWithEllipsis()
    {
        var data = TestEvents.Incoming(TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, new string('x', 500)));

        var body = Router(maxPreview: 20).Route(data).Push!.Body;

        Assert.Equal(new string('x', 20) + NotificationText.Ellipsis, body);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Route_NoSenderName_UsesGenericTitle(string? senderName)
    {
        var data = TestEvents.Incoming(TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, senderName: senderName));

        Assert.Equal(ChatEventRouter.GenericMessageTitle, Router().Route(data).Push!.Title);
    }

    [Fact]
    public void Route_RecipientIsSender_Skips()
    {
        var data = TestEvents.Incoming(TestEvents.ChatMessageReceived, TestEvents.MessageData(Alice, Alice));

        var decision = Router().Route(data);

        Assert.Null(decision.Push);
        Assert.Equal(RejectReason.RecipientIsActor, decision.Reason);
    }

    [Theory]
    [InlineData("4:+14255550123", RejectReason.PhoneNumberRecipient)]
    [InlineData("8:orgid:6ed4e7a2-3f39-4ab1-b5b0-8b9b1f7b2c11", RejectReason.TeamsRecipient)]
    [InlineData("28:bot-id", RejectReason.UnknownRecipientKind)]
    public void Route_RecipientNotAcsUser_SkipsWithReason(string recipient, RejectReason expected)
    {
        var data = TestEvents.Incoming(TestEvents.ChatMessageReceived, TestEvents.MessageData(recipient, Alice));

        var decision = Router().Route(data);

        Assert.Null(decision.Push);
        Assert.Equal(expected, decision.Reason);
    }

    [Fact]
    public void Route_MissingThreadId_Skips()
    {
        var json = TestEvents.MessageData(Bob, Alice);
        json.Remove("threadId");

        var decision = Router().Route(TestEvents.Incoming(TestEvents.ChatMessageReceived, json));

        Assert.Equal(RejectReason.MissingData, decision.Reason);
    }

    [Theory]
    [InlineData(true, "Project sync")]
    [InlineData(false, ChatEventRouter.GenericThreadTitle)]
    public void Route_ThreadCreatedWithRecipient_SendsCreatorAndTopic(bool includeText, string expectedTitle)
    {
        var data = TestEvents.Incoming(TestEvents.ChatThreadCreatedWithUser, TestEvents.ThreadCreatedData(Bob, Alice, creatorName: "Carol"));

        var push = Router(includeText).Route(data).Push!;

        Assert.Equal(PushKinds.ChatThreadCreated, push.Kind);
        Assert.Equal(expectedTitle, push.Title);
        Assert.Equal("Carol started a chat with you", push.Body);
        Assert.Null(push.MessageId);
    }

    [Fact]
    public void Route_ThreadCreatedForCreator_Skips()
    {
        var data = TestEvents.Incoming(TestEvents.ChatThreadCreatedWithUser, TestEvents.ThreadCreatedData(Alice, Alice));

        Assert.Equal(RejectReason.RecipientIsActor, Router().Route(data).Reason);
    }

    [Fact]
    public void Route_RecipientWasAdded_Sends()
    {
        var data = TestEvents.Incoming(TestEvents.ChatParticipantAddedToThreadWithUser, TestEvents.ParticipantAddedData(Bob, added: Bob, addedBy: Alice));

        var push = Router().Route(data).Push!;

        Assert.Equal(PushKinds.AddedToChatThread, push.Kind);
        Assert.Equal(Bob, push.RecipientRawId);
    }

    [Fact]
    public void Route_SomeoneElseWasAdded_Skips()
    {
        var data = TestEvents.Incoming(TestEvents.ChatParticipantAddedToThreadWithUser, TestEvents.ParticipantAddedData(Bob, added: TestEvents.AcsUser("dan"), addedBy: Alice));

        Assert.Equal(RejectReason.NotAboutRecipient, Router().Route(data).Reason);
    }

    [Fact]
    public void Route_UnsupportedType_Rejects()
    {
        Assert.Equal(RejectReason.UnsupportedEventType, Router().Route(TestEvents.Incoming("Microsoft.Communication.ChatMessageEdited", TestEvents.MessageData(Bob, Alice))).Reason);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"text\"")]
    [InlineData("[1, 2]")]
    public void Route_ChatTypeWithoutObjectData_RejectsMissingData(string data)
    {
        var decision = Router().Route(TestEvents.Incoming(TestEvents.ChatMessageReceived, JsonNode.Parse(data)));

        Assert.Equal(RejectReason.MissingData, decision.Reason);
    }

    [Fact]
    public void Route_ParticipantsWithNulls_SendsWithCreatorName()
    {
        var data = TestEvents.ThreadCreatedData(Bob, Alice, creatorName: "Carol");
        data["participants"]!.AsArray().Insert(0, null);

        var push = Router().Route(TestEvents.Incoming(TestEvents.ChatThreadCreatedWithUser, data)).Push!;

        Assert.Equal("Carol started a chat with you", push.Body);
    }

    [Theory]
    [InlineData("threadId")]
    [InlineData("messageId")]
    public void Route_IdThatCannotBeFromAcs_RejectsInvalidIds(string member)
    {
        var data = TestEvents.MessageData(Bob, Alice);
        data[member] = new string('\u00e9', 700);

        Assert.Equal(RejectReason.InvalidIds, Router().Route(TestEvents.Incoming(TestEvents.ChatMessageReceived, data)).Reason);
    }

    [Fact]
    public void Route_ValidationEventInNotification_Rejects()
    {
        var incoming = TestEvents.Incoming("Microsoft.EventGrid.SubscriptionValidationEvent", new JsonObject { ["validationCode"] = "code" });

        Assert.Equal(RejectReason.ValidationOutsideHandshake, Router().Route(incoming).Reason);
    }

    [Fact]
    public void Route_SameEvent_CollapseIdFromEventIdOnly()
    {
        var first = Router().Route(TestEvents.Incoming(TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, "one"), id: "ev-9")).Push!;
        var again = Router().Route(TestEvents.Incoming(TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, "two"), id: "ev-9")).Push!;
        var other = Router().Route(TestEvents.Incoming(TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, "one"), id: "ev-10")).Push!;

        Assert.Equal(first.CollapseId, again.CollapseId);
        Assert.NotEqual(first.CollapseId, other.CollapseId);
        Assert.Matches("^[0-9a-f]{32}$", first.CollapseId);
    }
}
