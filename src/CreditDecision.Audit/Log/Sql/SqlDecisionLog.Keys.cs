namespace CreditDecision.Audit.Log.Sql;

/// <summary>The console's Data Protection keys, in the log's database so every node that shares the log shares them.</summary>
public abstract partial class SqlDecisionLog : IDataProtectionKeyStore
{
    public async Task<IReadOnlyList<string>> ReadDataProtectionKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = Command(connection, null, "SELECT xml FROM data_protection_keys ORDER BY name");
        var keys = new List<string>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) keys.Add(Text(reader, "xml"));
        return keys;
    }

    public async Task StoreDataProtectionKeyAsync(string name, string xml, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var insert = Command(connection, null, "INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT DO NOTHING");
        Add(insert, "name", name);
        Add(insert, "xml", xml);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
