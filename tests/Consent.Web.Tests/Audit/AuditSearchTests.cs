using System.Net;
using System.Text.RegularExpressions;
using Consent.Web.Tests.Infrastructure;
using Npgsql;

namespace Consent.Web.Tests.Audit;

/// <summary>
/// The auditor's search forgives how people type: an MRN in other capitals, and a patient's name
/// without its accents, with a straight apostrophe for a curly one, in any order or only in part.
/// Both are posted, so neither reaches an address.
/// </summary>
public sealed partial class AuditSearchTests(ConsentWebFactory factory) : IClassFixture<ConsentWebFactory>
{
    [Fact]
    public async Task Mrn_IsFoundInAnyCase()
    {
        var tag = Tag();
        var ids = await InsertAsync(("Alma Search " + tag, "MRN_" + tag.ToUpperInvariant()));
        using var auditor = await PageForms.SignedInAsync(factory, Staff.Auditor);

        Assert.Equal([ids[0]], await SearchAsync(auditor, ("Mrn", "mrn_" + tag)));
        Assert.Equal([ids[0]], await SearchAsync(auditor, ("Mrn", " MRN_" + tag.ToUpperInvariant() + " ")));
        Assert.Empty(await SearchAsync(auditor, ("Mrn", "mrn_" + tag + "0")));
        Assert.Empty(await SearchAsync(auditor, ("Mrn", "mrnx" + tag))); // _ is a character, not a wildcard
        Assert.Empty(await SearchAsync(auditor, ("Mrn", "mrn%")));
    }

    [Fact]
    public async Task Name_IsFoundWithoutAccentsCapitalsOrCurlyApostrophes_InAnyOrder()
    {
        var tag = Tag();
        var ids = await InsertAsync(("María José García-López " + tag, null), ("Robert O’Neil " + tag, null));
        using var auditor = await PageForms.SignedInAsync(factory, Staff.Auditor);

        Assert.Equal([ids[0]], await SearchAsync(auditor, ("Name", "maria garcia " + tag)));
        Assert.Equal([ids[0]], await SearchAsync(auditor, ("Name", tag + " GARCIA-LOPEZ")));
        Assert.Equal([ids[1]], await SearchAsync(auditor, ("Name", "o'neil " + tag)));
        Assert.Equal(ids.Order(), (await SearchAsync(auditor, ("Name", tag))).Order());
        Assert.Empty(await SearchAsync(auditor, ("Name", "maria neil " + tag)));
    }

    [Fact]
    public async Task TheSearchForm_IsPosted_WithANameField()
    {
        using var auditor = await PageForms.SignedInAsync(factory, Staff.Auditor);
        var page = await auditor.GetStringAsync("/audit");
        Assert.Matches("""<form method="post"[^>]*>""", page);
        Assert.Contains("""name="Search.Name" """.TrimEnd(), page, StringComparison.Ordinal);
    }

    /// <summary>Letters only, so a name holding it is a name the service would take.</summary>
    private static string Tag() => string.Concat(Guid.NewGuid().ToString("N")[..10].Select(c => (char)('a' + (c % 26))));

    private static async Task<List<Guid>> SearchAsync(HttpClient auditor, params (string Field, string Value)[] fields)
    {
        var response = await PageForms.PostAsync(auditor, "/audit", fields.ToDictionary(f => "Search." + f.Field, f => f.Value));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("found</h2>", html, StringComparison.Ordinal);
        return [.. Row().Matches(html).Select(m => Guid.Parse(m.Groups[1].Value))];
    }

    /// <summary>Sessions with no events, named and numbered as given (written directly: the search reads only the session row).</summary>
    private async Task<List<Guid>> InsertAsync(params (string Name, string? Mrn)[] patients)
    {
        var ids = new List<Guid>();
        await using var db = await factory.OpenDatabaseAsync();
        foreach (var (name, mrn) in patients)
        {
            var id = Guid.NewGuid();
            await using var insert = new NpgsqlCommand($"""
                {SyntheticPatient.Ensure}
                INSERT INTO consent_sessions (id, workflow_id, workflow_version, workflow_hash, language, status, patient_name,
                    patient_date_of_birth, patient_mrn, link_token_hash, expires_at, created_by, created_at, updated_at, last_seq, last_hash, patient_id)
                VALUES (@id, 'ketamine-chronic-pain', 1, repeat('a', 64), 'en', 'Expired', @name, date '1970-01-01', @mrn,
                    encode(sha256(@id::text::bytea), 'hex'), now(), gen_random_uuid(), now(), now(), 0, repeat('0', 64), '{SyntheticPatient.Id}')
                """, db);
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("name", name);
            insert.Parameters.AddWithValue("mrn", (object?)mrn ?? DBNull.Value);
            await insert.ExecuteNonQueryAsync();
            ids.Add(id);
        }

        return ids;
    }

    [GeneratedRegex("""<th scope="row"><a href="/audit/sessions/([0-9a-f-]{36})">""")]
    private static partial Regex Row();
}
