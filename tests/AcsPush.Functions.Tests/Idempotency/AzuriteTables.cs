using Azure.Data.Tables;

namespace AcsPush.Functions.Tests.Idempotency;

/// <summary>The Azurite Table service the tests run against (started by the test command).</summary>
internal static class AzuriteTables
{
    /// <summary>Name of the environment variable holding the connection string.</summary>
    public const string ConnectionVariable = "ACSPUSH_TEST_TABLES_CONNECTION";

    // The well-known Azurite development account; public and documented, not a secret.
    private const string DefaultConnection =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value ? value : DefaultConnection;

    public static TableServiceClient ServiceClient() => new(ConnectionString);

    /// <summary>A table name no other test uses.</summary>
    public static string UniqueTableName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];
}
