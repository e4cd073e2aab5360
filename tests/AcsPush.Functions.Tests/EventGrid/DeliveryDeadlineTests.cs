using AcsPush.Functions.EventGrid;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AcsPush.Functions.Tests.EventGrid;

public class DeliveryDeadlineTests
{
    [Theory]
    [InlineData(25, 22, 25)]
    [InlineData(10, 8, 10)]
    [InlineData(1, 0.8, 1)]
    public void Start_ProcessingDeadline_SendsEndBeforeTheRecordReserve(double deadline, double sendBy, double answerBy)
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();

        using var limits = DeliveryDeadline.Start(TimeSpan.FromSeconds(deadline), time);

        Assert.Equal(start + TimeSpan.FromSeconds(sendBy), limits.SendBy);
        Assert.Equal(start + TimeSpan.FromSeconds(answerBy), limits.AnswerBy);
    }

    [Fact]
    public void Start_TimePassesTheSendDeadline_OnlyTheSendTokenFires()
    {
        var time = new FakeTimeProvider();
        using var limits = DeliveryDeadline.Start(TimeSpan.FromSeconds(25), time);

        time.Advance(TimeSpan.FromSeconds(22));

        Assert.True(limits.SendToken.IsCancellationRequested);
        Assert.False(limits.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.True(limits.Token.IsCancellationRequested);
    }

    [Fact]
    public void Start_CallerGoesAway_BothTokensFire()
    {
        using var aborted = new CancellationTokenSource();
        using var limits = DeliveryDeadline.Start(TimeSpan.FromSeconds(25), new FakeTimeProvider(), aborted.Token);

        aborted.Cancel();

        Assert.True(limits.SendToken.IsCancellationRequested);
        Assert.True(limits.Token.IsCancellationRequested);
    }
}
