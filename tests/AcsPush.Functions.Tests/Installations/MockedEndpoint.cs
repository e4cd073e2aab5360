using AcsPush.Functions.Installations;
using AcsPush.Functions.NotificationHubs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace AcsPush.Functions.Tests.Installations;

/// <summary>The endpoint and its registrar over strict mocks of the hub client and the ownership records.</summary>
internal sealed class MockedEndpoint
{
    public Mock<INotificationHubsClient> Hubs { get; } = new(MockBehavior.Strict);

    public Mock<IInstallationOwners> Owners { get; } = new(MockBehavior.Strict);

    public InstallationEndpoint Create() => new(
        new InstallationRegistrar(Hubs.Object, Owners.Object, Options.Create(new NotificationHubsClientOptions()), TimeProvider.System, NullLogger<InstallationRegistrar>.Instance),
        NullLogger<InstallationEndpoint>.Instance);

    /// <summary>Neither the hub nor the records were called.</summary>
    public void VerifyUntouched()
    {
        Hubs.VerifyNoOtherCalls();
        Owners.VerifyNoOtherCalls();
    }
}
