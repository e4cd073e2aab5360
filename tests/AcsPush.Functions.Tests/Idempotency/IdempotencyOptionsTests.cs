using System.ComponentModel.DataAnnotations;
using AcsPush.Functions.Idempotency;
using Xunit;

namespace AcsPush.Functions.Tests.Idempotency;

public class IdempotencyOptionsTests
{
    private static List<ValidationResult> Validate(IdempotencyOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Theory]
    [InlineData("https://account.table.core.windows.net", null)]
    [InlineData(null, "UseDevelopmentStorage=true")]
    public void Validate_ExactlyOneStore_Valid(string? uri, string? connectionString)
    {
        var options = new IdempotencyOptions { TableServiceUri = uri is null ? null : new Uri(uri), ConnectionString = connectionString };

        Assert.Empty(Validate(options));
    }

    [Theory]
    [InlineData(null, null, "Idempotency:TableServiceUri")]
    [InlineData("https://account.table.core.windows.net", "UseDevelopmentStorage=true", "exactly one")]
    [InlineData("http://account.table.core.windows.net", null, "https")]
    public void Validate_StoreMisconfigured_NamesTheSetting(string? uri, string? connectionString, string expectedFragment)
    {
        var options = new IdempotencyOptions { TableServiceUri = uri is null ? null : new Uri(uri), ConnectionString = connectionString };

        var results = Validate(options);

        Assert.Contains(results, r => r.ErrorMessage!.Contains(expectedFragment, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1table")]
    [InlineData("has-dash")]
    public void Validate_BadTableName_NamesTheSetting(string tableName)
    {
        var options = new IdempotencyOptions { ConnectionString = "UseDevelopmentStorage=true", TableName = tableName };

        Assert.Contains(Validate(options), r => r.ErrorMessage!.StartsWith("Idempotency:TableName", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(7200)]
    public void Validate_LeaseOutOfRange_NamesTheSetting(int seconds)
    {
        var options = new IdempotencyOptions { ConnectionString = "UseDevelopmentStorage=true", LeaseDuration = TimeSpan.FromSeconds(seconds) };

        Assert.Contains(Validate(options), r => r.ErrorMessage!.StartsWith("Idempotency:LeaseDuration", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RetentionDefaults_ValidAndLongerThanEventGridRetries()
    {
        var options = new IdempotencyOptions { ConnectionString = "UseDevelopmentStorage=true" };

        Assert.Empty(Validate(options));
        Assert.Equal(TimeSpan.FromDays(3), options.RetentionWindow);
        Assert.True(options.RetentionWindow > TimeSpan.FromHours(24));
        Assert.Equal("0 17 * * * *", options.RetentionSchedule);
    }

    [Theory]
    [InlineData("1.00:00:00")]
    [InlineData("12:00:00")]
    [InlineData("31.00:00:00")]
    public void Validate_RetentionWindowOutOfRange_NamesTheSettingAndEventGridsHorizon(string window)
    {
        var options = new IdempotencyOptions { ConnectionString = "UseDevelopmentStorage=true", RetentionWindow = TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture) };

        Assert.Contains(Validate(options), r => r.ErrorMessage!.StartsWith("Idempotency:RetentionWindow must be between 1.01:00:00 (25 hours, longer than Event Grid's 24-hour retry horizon)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0 */5 * * * *", true)]
    [InlineData("30 0 3 * * Mon-Fri", true)]
    [InlineData("0 17 * * *", false)]
    [InlineData("* 17 * * * *", false)]
    [InlineData("*/10 * * * * *", false)]
    [InlineData("00:05:00", false)]
    [InlineData("", false)]
    public void Validate_RetentionSchedule_SixFieldsAtMostOnceAMinute(string schedule, bool valid)
    {
        var options = new IdempotencyOptions { ConnectionString = "UseDevelopmentStorage=true", RetentionSchedule = schedule };

        var results = Validate(options);

        Assert.Equal(valid, results.Count == 0);
        Assert.All(results, r => Assert.StartsWith("Idempotency:RetentionSchedule", r.ErrorMessage!, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(300)]
    public void Validate_RetentionBudgetOutOfRange_NamesTheSetting(int seconds)
    {
        var options = new IdempotencyOptions { ConnectionString = "UseDevelopmentStorage=true", RetentionBudget = TimeSpan.FromSeconds(seconds) };

        Assert.Contains(Validate(options), r => r.ErrorMessage!.StartsWith("Idempotency:RetentionBudget", StringComparison.Ordinal));
    }
}
