namespace CreditDecision.Audit.Log;

/// <summary>
/// ASP.NET Core Data Protection's key ring kept in the log's database, so every node that shares the log shares
/// the keys that encrypt console cookies.
/// </summary>
public interface IDataProtectionKeyStore
{
    /// <summary>Every key element stored, as XML.</summary>
    Task<IReadOnlyList<string>> ReadDataProtectionKeysAsync(CancellationToken cancellationToken);

    /// <summary>Stores a key element under its (unique) name; a name already stored is kept as it is.</summary>
    Task StoreDataProtectionKeyAsync(string name, string xml, CancellationToken cancellationToken);
}
