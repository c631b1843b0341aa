using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Consent.Records.Tests.Fhir;
using Consent.Web.Tests.Infrastructure;
using Consent.Web.Tests.Records;
using Hl7.Fhir.Serialization;
using Npgsql;

namespace Consent.Web.Tests.Audit;

/// <summary>The auditor's pages: search by date, workflow and status; the session page's FHIR and event-chain downloads.</summary>
public sealed partial class AuditPagesTests(RecordsWebFactory factory) : IClassFixture<RecordsWebFactory>
{
    [Fact]
    public async Task Search_ByDayWorkflowAndStatus_FindsExactlyTheMatchingSessions()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var invited = await driver.StartAsync();
        var declined = await driver.StartAsync("esketamine-nasal-trd");
        var decline = await (await driver.VerifyAsync(declined)).PostAsJsonAsync($"/api/v1/patient/{declined.Token}/decline", new { reason = "Not now." });
        Assert.Equal(HttpStatusCode.OK, decline.StatusCode);
        var day = await InsertSessionsCreatedAroundAsync(new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero));
        using var auditor = await PageForms.SignedInAsync(factory, Staff.Auditor);

        // A search's "to" day is included to its last instant; the next day's first instant is not.
        Assert.Equal(new[] { day["first instant"], day["last instant"] }.Order(),
            (await SearchAsync(auditor, ("From", "2024-05-01"), ("To", "2024-05-01"))).Order());
        Assert.Equal(new[] { day["day before"], day["first instant"], day["last instant"] }.Order(),
            (await SearchAsync(auditor, ("From", "2024-04-30"), ("To", "2024-05-01"))).Order());

        var esketamine = await SearchAsync(auditor, ("WorkflowId", "esketamine-nasal-trd"));
        Assert.Contains(declined.Id, esketamine);
        Assert.DoesNotContain(invited.Id, esketamine);
        Assert.All(esketamine, id => Assert.Equal("esketamine-nasal-trd", SessionRow(id).WorkflowId));

        var declinedOnes = await SearchAsync(auditor, ("Status", "Declined"));
        Assert.Contains(declined.Id, declinedOnes);
        Assert.DoesNotContain(invited.Id, declinedOnes);
        Assert.All(declinedOnes, id => Assert.Equal("Declined", SessionRow(id).Status));

        var both = await SearchAsync(auditor, ("WorkflowId", "ketamine-iv-depression"), ("Status", "Invited"));
        Assert.Contains(invited.Id, both);
        Assert.DoesNotContain(declined.Id, both);
        Assert.All(both, id => Assert.Equal(("ketamine-iv-depression", "Invited"), SessionRow(id)));
    }

    /// <summary>A completed session whose record is issued, and an auditor signed in at the pages.</summary>
    private async Task<(StartedSession Session, HttpClient Auditor)> CompletedWithAuditorAsync()
    {
        var driver = await PatientDriver.CreateAsync(factory);
        var session = await RecordSessions.CompleteAsync(driver);
        await RecordSessions.WaitForRecordAsync(driver.Clinician, session.Id);
        return (session, await PageForms.SignedInAsync(factory, Staff.Auditor));
    }

    /// <summary>Issue 19: the timeline names each event in plain words, with its type beside it as the chain names it.</summary>
    [Fact]
    public async Task SessionPage_NamesEachEventInPlainWords_WithItsTypeAsACode()
    {
        var (session, auditor) = await CompletedWithAuditorAsync();
        using var _ = auditor;

        var page = System.Net.WebUtility.HtmlDecode(await auditor.GetStringAsync($"/audit/sessions/{session.Id}"));

        foreach (var (name, type) in new[]
        {
            ("Session created by the clinician", "SessionCreated"),
            ("Identity verified (date of birth confirmed)", "IdentityVerified"),
            ("Disclosure acknowledged by the patient", "DisclosureAcknowledged"),
            ("Comprehension quiz attempted", "ComprehensionAttempted"),
            ("Patient signed", "PatientSigned"),
            ("Clinician countersigned", "ClinicianCountersigned"),
            ("Signed record issued", "RecordIssued"),
        })
        {
            Assert.Matches($@"<th scope=""row"">{Regex.Escape(name)}<br><code [^>]*>{type}</code></th>", page);
        }
    }

    [Fact]
    public async Task SessionPage_OffersTheFhirBundleAndTheEventChain_AndBothDownload()
    {
        var (session, auditor) = await CompletedWithAuditorAsync();
        using var _ = auditor;

        var page = await auditor.GetStringAsync($"/audit/sessions/{session.Id}");
        var links = Link().Matches(page).Select(m => m.Groups[1].Value).ToList();
        var fhirLink = Assert.Single(links, l => l.EndsWith("/fhir", StringComparison.Ordinal));
        var eventsLink = Assert.Single(links, l => l.EndsWith("/events", StringComparison.Ordinal));

        using var fhir = await auditor.GetAsync(fhirLink);
        Assert.Equal(HttpStatusCode.OK, fhir.StatusCode);
        Assert.Equal("application/fhir+json", fhir.Content.Headers.ContentType?.MediaType);
        var bundle = new FhirJsonDeserializer().Deserialize<Hl7.Fhir.Model.Bundle>(await fhir.Content.ReadAsStringAsync());
        Assert.Empty(FhirValidation.Errors(bundle));
        Assert.Contains(bundle.Entry, e => e.Resource is Hl7.Fhir.Model.Consent);

        using var events = await auditor.GetAsync(eventsLink);
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        var chain = JsonNode.Parse(await events.Content.ReadAsStringAsync())!;
        Assert.True(chain["verified"]!.GetValue<bool>());
        Assert.Equal(TimelineRow().Count(page), chain["events"]!.AsArray().Count);
    }

    private readonly Dictionary<Guid, (string WorkflowId, string Status)> rows = [];

    /// <summary>The workflow and status a search of this test showed for a session.</summary>
    private (string WorkflowId, string Status) SessionRow(Guid id) => rows[id];

    /// <summary>Posts the search form and returns the sessions listed, remembering each row's workflow and status.</summary>
    private async Task<List<Guid>> SearchAsync(HttpClient auditor, params (string Field, string Value)[] fields)
    {
        var response = await PageForms.PostAsync(auditor, "/audit", fields.ToDictionary(f => "Search." + f.Field, f => f.Value));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("found</h2>", html, StringComparison.Ordinal);
        var found = new List<Guid>();
        foreach (Match row in ResultRow().Matches(html))
        {
            var id = Guid.Parse(row.Groups["id"].Value);
            rows[id] = (row.Groups["workflow"].Value, row.Groups["status"].Value);
            found.Add(id);
        }

        return found;
    }

    /// <summary>Sessions with no events, created at the edges of <paramref name="day"/> (UTC) and just outside it.</summary>
    private async Task<Dictionary<string, Guid>> InsertSessionsCreatedAroundAsync(DateTimeOffset day)
    {
        var at = new Dictionary<string, DateTimeOffset>
        {
            ["day before"] = day.AddTicks(-10),
            ["first instant"] = day,
            ["last instant"] = day.AddDays(1).AddTicks(-10),
            ["day after"] = day.AddDays(1),
        };
        var ids = at.ToDictionary(a => a.Key, _ => Guid.NewGuid());
        await using var db = await factory.OpenDatabaseAsync();
        foreach (var (name, created) in at)
        {
            await using var insert = new NpgsqlCommand($"""
                {SyntheticPatient.Ensure}
                INSERT INTO consent_sessions (id, workflow_id, workflow_version, workflow_hash, language, status, patient_name,
                    patient_date_of_birth, link_token_hash, expires_at, created_by, created_at, updated_at, last_seq, last_hash, patient_id)
                VALUES (@id, 'ketamine-chronic-pain', 1, repeat('a', 64), 'en', 'Expired', @name, date '1970-01-01',
                    encode(sha256(@id::text::bytea), 'hex'), @at, gen_random_uuid(), @at, @at, 0, repeat('0', 64), '{SyntheticPatient.Id}')
                """, db);
            insert.Parameters.AddWithValue("id", ids[name]);
            insert.Parameters.AddWithValue("name", "Searched Patient " + name);
            insert.Parameters.AddWithValue("at", created);
            await insert.ExecuteNonQueryAsync();
        }

        return ids;
    }

    [GeneratedRegex("""<th scope="row"><a href="/audit/sessions/(?<id>[0-9a-f-]{36})">.*?</a></th>\s*<td>[^<]*</td>\s*<td>(?<workflow>[a-z0-9-]+) v\d+ \([a-z]+\)</td>\s*<td><span class="status status-(?<status>[A-Za-z]+)">""", RegexOptions.Singleline)]
    private static partial Regex ResultRow();

    [GeneratedRegex("""href="(/api/v1/sessions/[0-9a-f-]{36}/[a-z.]+)">""")]
    private static partial Regex Link();

    [GeneratedRegex("""<tr>\s*<td>\d+</td>\s*<td class="mono">""")]
    private static partial Regex TimelineRow();
}
