using Xunit;
using AcsPush.Functions.Notifications;
using AcsPush.Functions.Tests.EventGrid;
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
        var data = TestEvents.Typed(TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, "Lunch at noon?"));

        var decision = Router().Route("ev-1", data);

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
        var data = TestEvents.Typed(TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, "my secret plan"));

        var push = Router(includeText: false).Route("ev-1", data).Push!;

        Assert.Equal(ChatEventRouter.GenericMessageBody, push.Body);
        Assert.DoesNotContain("secret", push.Title + push.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Route_HtmlMessage_SendsPlainTextPreview()
    {
        var data = TestEvents.Typed(TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, "<p>Hi <b>Bob</b> &amp; team</p>", type: "RichText/Html"));

        Assert.Equal("Hi Bob & team", Router().Route("ev-1", data).Push!.Body);
    }

    [Fact]
    public void Route_LongMessage_PreviewShortenedWithEllipsis()
    {
        var data = TestEvents.Typed(TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, new string('x', 500)));

        var body = Router(maxPreview: 20).Route("ev-1", data).Push!.Body;

        Assert.Equal(new string('x', 20) + NotificationText.Ellipsis, body);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Route_NoSenderName_UsesGenericTitle(string? senderName)
    {
        var data = TestEvents.Typed(TestEvents.ChatMessageReceived, TestEvents.MessageData(Bob, Alice, senderName: senderName));

        Assert.Equal(ChatEventRouter.GenericMessageTitle, Router().Route("ev-1", data).Push!.Title);
    }

    [Fact]
    public void Route_RecipientIsSender_Skips()
    {
        var data = TestEvents.Typed(TestEvents.ChatMessageReceived, TestEvents.MessageData(Alice, Alice));

        var decision = Router().Route("ev-1", data);

        Assert.Null(decision.Push);
        Assert.Equal(SkipReason.RecipientIsActor, decision.Reason);
    }

    [Theory]
    [InlineData("4:+14255550123", SkipReason.PhoneNumberRecipient)]
    [InlineData("8:orgid:6ed4e7a2-3f39-4ab1-b5b0-8b9b1f7b2c11", SkipReason.TeamsRecipient)]
    [InlineData("28:bot-id", SkipReason.UnknownRecipientKind)]
    public void Route_RecipientNotAcsUser_SkipsWithReason(string recipient, SkipReason expected)
    {
        var data = TestEvents.Typed(TestEvents.ChatMessageReceived, TestEvents.MessageData(recipient, Alice));

        var decision = Router().Route("ev-1", data);

        Assert.Null(decision.Push);
        Assert.Equal(expected, decision.Reason);
    }

    [Fact]
    public void Route_MissingThreadId_Skips()
    {
        var json = TestEvents.MessageData(Bob, Alice);
        json.Remove("threadId");

        var decision = Router().Route("ev-1", TestEvents.Typed(TestEvents.ChatMessageReceived, json));

        Assert.Equal(SkipReason.MissingData, decision.Reason);
    }

    [Theory]
    [InlineData(true, "Project sync")]
    [InlineData(false, ChatEventRouter.GenericThreadTitle)]
    public void Route_ThreadCreatedWithRecipient_SendsCreatorAndTopic(bool includeText, string expectedTitle)
    {
        var data = TestEvents.Typed(TestEvents.ChatThreadCreatedWithUser, TestEvents.ThreadCreatedData(Bob, Alice, creatorName: "Carol"));

        var push = Router(includeText).Route("ev-2", data).Push!;

        Assert.Equal(PushKinds.ChatThreadCreated, push.Kind);
        Assert.Equal(expectedTitle, push.Title);
        Assert.Equal("Carol started a chat with you", push.Body);
        Assert.Null(push.MessageId);
    }

    [Fact]
    public void Route_ThreadCreatedForCreator_Skips()
    {
        var data = TestEvents.Typed(TestEvents.ChatThreadCreatedWithUser, TestEvents.ThreadCreatedData(Alice, Alice));

        Assert.Equal(SkipReason.RecipientIsActor, Router().Route("ev-2", data).Reason);
    }

    [Fact]
    public void Route_RecipientWasAdded_Sends()
    {
        var data = TestEvents.Typed(TestEvents.ChatParticipantAddedToThreadWithUser, TestEvents.ParticipantAddedData(Bob, added: Bob, addedBy: Alice));

        var push = Router().Route("ev-3", data).Push!;

        Assert.Equal(PushKinds.AddedToChatThread, push.Kind);
        Assert.Equal(Bob, push.RecipientRawId);
    }

    [Fact]
    public void Route_SomeoneElseWasAdded_Skips()
    {
        var data = TestEvents.Typed(TestEvents.ChatParticipantAddedToThreadWithUser, TestEvents.ParticipantAddedData(Bob, added: TestEvents.AcsUser("dan"), addedBy: Alice));

        Assert.Equal(SkipReason.NotAboutRecipient, Router().Route("ev-3", data).Reason);
    }

    [Fact]
    public void Route_UnsupportedData_Skips()
    {
        Assert.Equal(SkipReason.UnsupportedEventType, Router().Route("ev-4", new object()).Reason);
        Assert.Equal(SkipReason.UnsupportedEventType, Router().Route("ev-4", null).Reason);
    }
}
