using System.Xml.Linq;
using CreditDecision.Audit.Log;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace CreditDecision.Api.Console;

/// <summary>
/// Keeps the Data Protection key ring in the decision log's database: the nodes of a cluster share the log, so they
/// share the keys, and a session or form from one node is read by any other, with nothing else shared.
/// </summary>
/// <remarks>
/// Data Protection's repository interface is synchronous; it reads the ring when it first needs a key and then about
/// once a day, and writes only when it makes a key (every 90 days).
/// </remarks>
public sealed class DecisionLogXmlRepository(IDataProtectionKeyStore store) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. store.ReadDataProtectionKeysAsync(CancellationToken.None).GetAwaiter().GetResult().Select(XElement.Parse)];

    public void StoreElement(XElement element, string friendlyName) =>
        store.StoreDataProtectionKeyAsync(friendlyName, element.ToString(SaveOptions.DisableFormatting), CancellationToken.None).GetAwaiter().GetResult();
}
