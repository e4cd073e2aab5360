using AcsPush.Functions.EventGrid;
using AcsPush.Functions.Notifications;
using Xunit;

namespace AcsPush.Functions.Tests.EventGrid;

public class BatchTallyTests
{
    [Fact]
    public void Result_SettledEvents_CountsReasons()
    {
        var tally = new BatchTally(4);
        tally.Add(EventResult.Rejected(RejectReason.PhoneNumberRecipient), null);
        tally.Add(EventResult.Rejected(RejectReason.PhoneNumberRecipient), null);
        tally.Add(EventResult.Transient(TransientReason.StoreUnavailable), null);
        tally.Add(new EventResult(EventOutcome.Sent), new Dictionary<string, PushResult> { ["apple"] = PushResult.Sent });

        var result = tally.Result();

        Assert.Equal(new Dictionary<RejectReason, int> { [RejectReason.PhoneNumberRecipient] = 2 }, result.Rejections);
        Assert.Equal(new Dictionary<TransientReason, int> { [TransientReason.StoreUnavailable] = 1 }, result.Retries);
        Assert.Equal(new OutcomeCounts(Sent: 1, Duplicate: 0, Rejected: 2, Transient: 1), result.Outcomes);
    }

    [Fact]
    public void Result_EventsNotSettled_CountAsDeadlineRetries()
    {
        var tally = new BatchTally(3);
        tally.Add(EventResult.Transient(TransientReason.Deadline), null);

        var result = tally.Result();

        Assert.Equal(3, result.Outcomes.Transient);
        Assert.Equal(new Dictionary<TransientReason, int> { [TransientReason.Deadline] = 3 }, result.Retries);
    }
}
