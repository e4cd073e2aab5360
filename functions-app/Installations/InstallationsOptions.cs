using System.ComponentModel.DataAnnotations;

namespace AcsPush.Functions.Installations;

/// <summary>Where the installations endpoint records who owns each installation id (configuration section <c>Installations</c>).</summary>
public sealed class InstallationsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Installations";

    /// <summary>
    /// Table with one record per installation id (its owner's recipient tag and the change lease), in the storage
    /// account of <c>Idempotency:TableServiceUri</c> (or <c>Idempotency:ConnectionString</c>); created on first use when absent.
    /// </summary>
    [Required(ErrorMessage = "Installations:OwnersTableName is required.")]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$",
        ErrorMessage = "Installations:OwnersTableName must be 3-63 letters or digits and start with a letter, for example 'installationowners'.")]
    public string OwnersTableName { get; set; } = "installationowners";
}
