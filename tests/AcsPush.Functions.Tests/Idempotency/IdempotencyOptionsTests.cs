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
}
