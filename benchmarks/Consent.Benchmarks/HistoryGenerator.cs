using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Consent.Records;
using Consent.Web.Data.Entities;
using Consent.Web.Identity;
using Consent.Web.Sessions;
using Consent.Workflows;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Npgsql;
using NpgsqlTypes;

namespace Consent.Benchmarks;

/// <summary>
/// <c>generate-history --connection CS --certificate FILE.pfx [--events N] [--sessions N] [--days D] [--seed S] [--batch B]</c>:
/// fills a migrated, empty Consent database with years of realistic history, fast, for benchmarks/data/measure.sh, benchmarks/load/run.sh (LOAD_DATABASE)
/// and the ten-million-event measurements (docs/PERFORMANCE.md, section 12).
/// </summary>
/// <remarks>
/// <para>Every session is walked through the real workflow interpreter (<see cref="ConsentInterpreter"/>) on the
/// shipped <c>ketamine-iv-depression</c> workflow, one command at a time, exactly as <c>SessionWriter</c> appends:
/// each event is chained with <see cref="EventChain.Seal"/> (the canonical encoding of docs/event-log.md) and sealed
/// with <see cref="EventSeals"/> under the key-encryption certificate given (the one the service will run with), and
/// the session row is bound to its <c>SessionCreated</c> event (<see cref="PatientBinding.Digest"/>). So the audit
/// command and every chain check verify the generated events.</para>
/// <para>Outcomes, drawn per session from a fixed seed: about 70 % completed (countersigned, a consent record
/// issued, 3 % of those later withdrawn with a withdrawal record), 9 % declined at a random step, 12 % left
/// unfinished at a random step, 4 % voided by the clinician, 5 % signed and waiting for the countersignature.
/// Patients answer the screening at random (so 18 or 19 disclosures), pass the quiz at the first or second
/// try, ask zero to two questions. Start times are spread evenly over the last <c>--days</c> (730) days; each
/// session's steps follow at human intervals (seconds for the patient, minutes to hours for the clinician).</para>
/// <para>Records: every record row holds the same bytes with their real SHA-256, which the session's
/// <c>RecordIssued</c> event names: by default 16 KiB of filler behind a PDF header (the size benchmarks/export/run.sh
/// stores), or a real PDF given with <c>--record-pdf</c>. A real rendered record is about 100-160 KB, so 270,000
/// of them would be 30-45 GB for one benchmark database. The audit therefore reports each generated record (its
/// signature does not verify); the event chains it checks are all intact.</para>
/// <para>Written with binary COPY (<see cref="NpgsqlConnection.BeginBinaryImport"/>), a batch of sessions per
/// transaction, while the next batch is generated. The connection must be a superuser's: it sets
/// <c>session_replication_role = replica</c> for itself, so the foreign-key triggers do not check each of the
/// millions of rows (every row refers to one written before it in the same transaction, by construction).</para>
/// </remarks>
public static class HistoryGenerator
{
    const string Language = "en";
    const string DemoClinician = "clinician@example.org";

    static readonly string[] FirstNames = ["Margaret", "James", "María", "Chen", "Aisha", "Oluwaseun", "Sophie", "Liam", "Noah", "Emma", "Olivia",
        "Mateo", "Priya", "Hiroshi", "Fatima", "Jean-Luc", "Zoë", "Björn", "Siobhán", "Kwame", "Ana", "David", "Sarah", "Mohammed", "Grace"];

    static readonly string[] LastNames = ["O'Brien-Whitfield", "Smith", "García", "Nguyen", "Okafor", "Müller", "Johnson", "Kowalski", "Patel",
        "Rossi", "Tanaka", "Haddad", "Williams", "Brown", "Jones", "Dubois", "Ivanova", "Lindqvist", "Murphy", "Mensah", "Silva", "Cohen"];

    static readonly string[] PatientAgents =
    [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
    ];

    const string StaffAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = Options.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine("usage: generate-history --connection CONNECTION --certificate KEY-ENCRYPTION.pfx [--certificate-password P] "
                + "[--events 10000000] [--sessions N] [--days 730] [--seed 18] [--batch 2000] [--record-kb 16 | --record-pdf FILE.pdf]");
            return 2;
        }

        var total = Stopwatch.StartNew();
        var workflow = TypicalSession.LoadWorkflow();
        var seals = new EventSeals(LoadCertificate(options));

        await using var connection = new NpgsqlConnection(options.Connection);
        await connection.OpenAsync();
        var demoClinician = await ScalarAsync<Guid?>(connection, $"SELECT id FROM \"AspNetUsers\" WHERE email = '{DemoClinician}'")
            ?? throw new InvalidOperationException("The database has no demo clinician: start the service on it once (Development) so that it migrates and seeds.");
        var storedHash = await ScalarAsync<string?>(connection,
            $"SELECT hash FROM workflow_versions WHERE workflow_id = '{workflow.Definition.Id}' AND version = {workflow.Definition.Version}");
        if (!string.Equals(storedHash?.Trim(), workflow.Hash, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"workflow_versions does not hold {workflow.Definition.Id} v{workflow.Definition.Version} with hash {workflow.Hash}.");
        }

        if (await ScalarAsync<long>(connection, "SELECT count(*) FROM consent_sessions") != 0)
        {
            throw new InvalidOperationException("consent_sessions is not empty: generate into a fresh database.");
        }

        // The bytes every record row shares: a PDF file given, or filler of the size given (as benchmarks/export/run.sh stores).
        var pdf = options.RecordPdf is { } file ? await File.ReadAllBytesAsync(file) : Filler(options.RecordKb);
        var pdfSha = Convert.ToHexStringLower(SHA256.HashData(pdf));

        var context = new Context(workflow, seals, options, demoClinician, pdf, pdfSha);
        // The number of sessions for the events asked: the mean length of the first 2,000 sessions' chains.
        var sessions = options.Sessions ?? EstimateSessions(context, options.Events);
        context.SessionCount = sessions;
        Console.WriteLine($"generating {sessions:N0} sessions (about {options.Events:N0} events) over {options.Days} days; record PDF {pdf.Length:N0} bytes shared");

        await using (var setup = new NpgsqlCommand("SET session_replication_role = replica; SET synchronous_commit = off", connection))
        {
            await setup.ExecuteNonQueryAsync();
        }

        long events = 0, records = 0, patients = 0;
        Task? writing = null;
        var lastReport = Stopwatch.StartNew();
        for (var from = 0; from < sessions; from += options.Batch)
        {
            var count = Math.Min(options.Batch, sessions - from);
            var batch = new Generated[count];
            Parallel.For(0, count, i => batch[i] = Generate(context, from + i));
            if (writing is not null)
            {
                await writing;
            }

            events += batch.Sum(b => b.Events.Count);
            records += batch.Sum(b => b.Records.Count);
            patients += batch.Count(b => b.Patient is not null);
            writing = WriteAsync(connection, batch);
            if (lastReport.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {from + count:N0} sessions, {events:N0} events, {total.Elapsed.TotalSeconds:F0} s ({events / total.Elapsed.TotalSeconds:F0} events/s)"));
                lastReport.Restart();
            }
        }

        if (writing is not null)
        {
            await writing;
        }

        var written = total.Elapsed;
        await using (var analyze = new NpgsqlCommand("ANALYZE patients; ANALYZE consent_sessions; ANALYZE consent_events; ANALYZE consent_records", connection) { CommandTimeout = 0 })
        {
            await analyze.ExecuteNonQueryAsync();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generated {sessions:N0} sessions, {events:N0} events, {records:N0} records, {patients:N0} patients in {written.TotalSeconds:F0} s "
            + $"({events / written.TotalSeconds:F0} events/s), then ANALYZE: {total.Elapsed.TotalSeconds:F0} s in all"));
        return 0;
    }

    sealed record Options(string Connection, string Certificate, string? CertificatePassword, long Events, int? Sessions, int Days, int Seed, int Batch,
        string? RecordPdf, int RecordKb)
    {
        public static Options? Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 1; i < args.Length; i += 2)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                {
                    return null;
                }

                values[args[i][2..]] = args[i + 1];
            }

            if (!values.TryGetValue("connection", out var connection) || !values.TryGetValue("certificate", out var certificate))
            {
                return null;
            }

            int? Int(string name) => values.TryGetValue(name, out var v) ? int.Parse(v, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : null;
            return new Options(connection, certificate, values.GetValueOrDefault("certificate-password"),
                values.TryGetValue("events", out var e) ? long.Parse(e, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : 10_000_000,
                Int("sessions"), Int("days") ?? 730, Int("seed") ?? 18, Int("batch") ?? 2000, values.GetValueOrDefault("record-pdf"), Int("record-kb") ?? 16);
        }
    }

    sealed class Context(LoadedWorkflow workflow, EventSeals seals, Options options, Guid demoClinician, byte[] pdf, string pdfSha)
    {
        public LoadedWorkflow Workflow { get; } = workflow;

        public EventSeals Seals { get; } = seals;

        public Options Options { get; } = options;

        public Guid[] Clinicians { get; } = [demoClinician, .. Enumerable.Range(1, 39).Select(i => NameGuid($"clinician {i}"))];

        public byte[] Pdf { get; } = pdf;

        public string PdfSha { get; } = pdfSha;

        public int SessionCount { get; set; } = 1;

        public DateTimeOffset End { get; } = EventChain.Truncate(DateTimeOffset.UtcNow.AddDays(-1));

        /// <summary>Session i starts at an even share of the period, so ids (version 7, time-ordered) ascend with i.</summary>
        public DateTimeOffset StartOf(int i) =>
            EventChain.Truncate(End.AddDays(-Options.Days).AddTicks((long)(TimeSpan.FromDays(Options.Days).Ticks * (i / (double)SessionCount))));
    }

    sealed record Generated(Patient? Patient, ConsentSession Session, List<ConsentEvent> Events, List<StoredRecord> Records);

    static KeyEncryption LoadCertificate(Options options)
    {
        var settings = new Dictionary<string, string?> { ["DataProtection:CertificatePath"] = options.Certificate };
        if (options.CertificatePassword is not null)
        {
            settings["DataProtection:CertificatePassword"] = options.CertificatePassword;
        }

        return KeyEncryption.Load(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), new HostingEnvironment { EnvironmentName = "Production" });
    }

    static int EstimateSessions(Context context, long events)
    {
        context.SessionCount = 1_000_000;
        var sample = Enumerable.Range(0, 2000).Sum(i => (long)Generate(context, i * 37).Events.Count);
        return (int)Math.Ceiling(events / (sample / 2000.0));
    }

    /// <summary>Patients: 85 % of sessions are a new patient's first; the others are a returning patient's.</summary>
    static bool NewPatient(Context context, int i) => i == 0 || Mix(context.Options.Seed, i, 1) % 100 >= 15;

    static ulong Mix(int seed, long i, int salt)
    {
        var x = ((ulong)(uint)seed << 40) ^ ((ulong)i * 0x9E3779B97F4A7C15UL) ^ ((ulong)salt << 20);
        x ^= x >> 31;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    static Guid PatientId(Context context, int i) => NameGuid($"patient {context.Options.Seed} {i}");

    static Guid NameGuid(string name) => new(SHA256.HashData(Encoding.ASCII.GetBytes(name)).AsSpan(0, 16));

    static Patient PatientOf(Context context, int i)
    {
        var r = new Random((int)(Mix(context.Options.Seed, i, 2) & 0x7FFFFFFF));
        var name = $"{FirstNames[r.Next(FirstNames.Length)]} {LastNames[r.Next(LastNames.Length)]}";
        var created = context.StartOf(i);
        return new Patient
        {
            Id = PatientId(context, i),
            Name = name,
            DateOfBirth = new DateOnly(1940, 1, 1).AddDays(r.Next(365 * 65)),
            Mrn = string.Create(CultureInfo.InvariantCulture, $"MRN{i + 1:D8}"),
            Email = r.Next(3) == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"patient{i + 1}@example.org"),
            PreferredLanguage = Language,
            CreatedBy = context.Clinicians[r.Next(context.Clinicians.Length)],
            CreatedAt = created,
            UpdatedAt = created,
        };
    }

    static Generated Generate(Context context, int index)
    {
        var r = new Random((int)(Mix(context.Options.Seed, index, 3) & 0x7FFFFFFF));
        var patientIndex = index;
        for (var back = 0; !NewPatient(context, patientIndex) && back < 64; back++)
        {
            patientIndex = Math.Max(0, patientIndex - 1 - r.Next(Math.Min(patientIndex, 20_000) + 1));
        }

        if (!NewPatient(context, patientIndex))
        {
            patientIndex = index;
        }

        var patient = PatientOf(context, patientIndex);
        var workflow = context.Workflow;
        var clinician = context.Clinicians[r.Next(context.Clinicians.Length)].ToString("D");
        var created = context.StartOf(index);
        // The link's secret from the session's number: Random's 31-bit seeds repeat among hundreds of thousands of sessions.
        var link = SHA256.HashData(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"link {context.Options.Seed} {index}")));
        var session = new ConsentSession
        {
            Id = Guid.CreateVersion7(created),
            WorkflowId = workflow.Definition.Id,
            WorkflowVersion = workflow.Definition.Version,
            WorkflowHash = workflow.Hash,
            Language = Language,
            PatientId = patient.Id,
            PatientName = patient.Name,
            PatientDateOfBirth = patient.DateOfBirth,
            PatientMrn = patient.Mrn,
            PatientEmail = patient.Email,
            LinkTokenHash = Convert.ToHexStringLower(SHA256.HashData(link)),
            CreatedBy = Guid.Parse(clinician),
            CreatedAt = created,
            ExpiresAt = created.Add(workflow.Definition.InvitationValidFor),
            LastHash = EventChain.Genesis,
        };

        var patientActor = new Actor(Actor.Patient, string.Create(CultureInfo.InvariantCulture, $"203.0.{113 + r.Next(3)}.{r.Next(1, 255)}"),
            PatientAgents[r.Next(PatientAgents.Length)]);
        var staffActor = new Actor(clinician, string.Create(CultureInfo.InvariantCulture, $"10.20.{r.Next(4)}.{r.Next(2, 250)}"), StaffAgent);
        var rows = new List<ConsentEvent>(40);
        var records = new List<StoredRecord>(1);
        var state = SessionState.Empty;
        var now = created;

        bool Do(SessionCommand command, Actor actor, TimeSpan after)
        {
            now = EventChain.Truncate(now.Add(after));
            if (ConsentInterpreter.Decide(workflow, state, command, now) is not Decision.Accepted accepted)
            {
                return false;
            }

            foreach (var e in accepted.Events)
            {
                var row = new ConsentEvent
                {
                    SessionId = session.Id,
                    Seq = rows.Count + 1,
                    Type = e.Type,
                    StepId = e.StepId,
                    Payload = e.Payload.ToJsonString(),
                    ContentHash = e.ContentHash,
                    Actor = actor.Id,
                    Ip = actor.Ip,
                    UserAgent = actor.UserAgent,
                    At = now,
                };
                EventChain.Seal(row, rows.Count == 0 ? EventChain.Genesis : rows[^1].Hash);
                context.Seals.Seal(row);
                rows.Add(row);
                state = ConsentInterpreter.Apply(workflow, state, new RecordedEvent(row.Seq, row.Type, row.StepId, e.Payload, row.ContentHash, row.Actor, now));
            }

            return true;
        }

        TimeSpan Seconds(int min, int max) => TimeSpan.FromSeconds(r.Next(min, max)) + TimeSpan.FromTicks(r.Next(10_000_000));

        Do(new CreateSession(Language, session.ExpiresAt, PatientBinding.Digest(session), clinician, session.LinkTokenHash), staffActor, TimeSpan.Zero);
        // Outcome: 0-69 completed, 70-78 declined, 79-90 left unfinished, 91-94 voided, 95-99 signed, not countersigned.
        var outcome = r.Next(100);
        var stopAfter = outcome is >= 70 and <= 94 ? r.Next(1, 26) : int.MaxValue;
        var substance = r.Next(4) == 0;
        var questions = r.Next(10) switch { < 7 => 0, < 9 => 1, _ => 2 };
        var firstQuizWrong = r.Next(4) == 0;
        var patientSteps = 0;
        var ok = Do(new VerifyIdentity(true), patientActor, Seconds(120, 20 * 3600));
        var discussed = false;
        for (var guard = 0; ok && state.CurrentStep is { } step && guard < 100; guard++)
        {
            if (++patientSteps > stopAfter)
            {
                break;
            }

            switch (step)
            {
                case QuestionsStep screening:
                    ok = Do(new SubmitAnswers(step.Id, screening.Questions.ToDictionary(
                        q => q.Id, q => (JsonNode?)JsonValue.Create(q.Id == "substance_use" && substance))), patientActor, Seconds(20, 90));
                    break;
                case DisclosureStep disclosure:
                    ok = Do(new AcknowledgeDisclosure(step.Id, ContentHashes.For(step, Language),
                        disclosure.Acknowledge == AcknowledgeMethod.Initials ? Initials(patient.Name) : null), patientActor, Seconds(15, 120));
                    break;
                case ComprehensionStep quiz:
                    var attempt = state.QuizAttempts.TryGetValue(step.Id, out var tries) ? tries.Count : 0;
                    ok = Do(new SubmitQuiz(step.Id, quiz.Questions.ToDictionary(
                        q => q.Id, q => (string?)(attempt == 0 && firstQuizWrong && q.Id == "q_drive" ? "yes" : q.Answer))), patientActor, Seconds(30, 150));
                    break;
                case AskStep:
                    for (var q = state.Questions.Count; q < questions; q++)
                    {
                        ok = Do(new AskQuestion(step.Id, q == 0 ? "Can I take my blood pressure pill on the morning of treatment?" : "Can someone else drive me home?"), patientActor, Seconds(30, 240))
                            && Do(new AnswerQuestion(string.Create(CultureInfo.InvariantCulture, $"q{q + 1}"),
                                q == 0 ? "Yes, take it as usual; we check your blood pressure before we start." : "Yes, a friend or family member; not a taxi alone.",
                                clinician), staffActor, Seconds(180, 2400));
                    }

                    ok = ok && Do(new FinishAsking(step.Id), patientActor, Seconds(10, 60));
                    break;
                case SignatureStep:
                    if (!discussed && (substance || r.Next(3) == 0))
                    {
                        Do(new RecordDiscussion("Discussed past substance use and that doses are given only in the clinic.", clinician), staffActor, Seconds(60, 600));
                        discussed = true;
                    }

                    ok = Do(new SignAsPatient(step.Id, patient.Name, true, TypicalSession.Signature(), patient.Name), patientActor, Seconds(30, 180));
                    break;
                default:
                    ok = false;
                    break;
            }
        }

        if (ok && state.CurrentStep is not null && patientSteps > stopAfter)
        {
            // The patient stops here: declines, leaves it unfinished, or the clinician voids it.
            _ = outcome switch
            {
                <= 78 => Do(new Decline(r.Next(2) == 0 ? "I would like to think about it more." : null), patientActor, Seconds(20, 300)),
                >= 91 => Do(new VoidSession("Started for the wrong treatment plan.", clinician), staffActor, Seconds(600, 3 * 86400)),
                _ => true,
            };
        }
        else if (ok && state.Status == SessionStatus.AwaitingCountersign && outcome < 70
            && Do(new Countersign(clinician, true), staffActor, Seconds(300, 20 * 3600)))
        {
            IssueRecord(RecordKind.Consent);
            if (r.Next(100) < 3 && Do(new Withdraw("The patient chose another treatment.", clinician), staffActor, TimeSpan.FromDays(r.Next(3, 90)) + Seconds(0, 86400)))
            {
                IssueRecord(RecordKind.Withdrawal);
            }
        }

        void IssueRecord(RecordKind kind)
        {
            if (Do(new IssueRecord(context.PdfSha, kind.ToString()), Actor.Service, Seconds(2, 15)))
            {
                records.Add(new StoredRecord
                {
                    Id = Guid.CreateVersion7(now),
                    SessionId = session.Id,
                    Kind = kind.ToString(),
                    Pdf = context.Pdf,
                    Sha256 = context.PdfSha,
                    IssuedAt = now,
                });
            }
        }

        session.Status = state.Status.ToString();
        session.UpdatedAt = rows[^1].At;
        session.CompletedAt = rows.FirstOrDefault(e => e.Type == EventTypes.ClinicianCountersigned)?.At;
        if (state.ExpiresAt != default)
        {
            session.ExpiresAt = state.ExpiresAt;
        }

        session.LastSeq = rows.Count;
        session.LastHash = rows[^1].Hash;
        return new Generated(patientIndex == index ? patient : null, session, rows, records);
    }

    /// <summary>A PDF header and filler up to the size asked (the export copies record bytes as they are).</summary>
    static byte[] Filler(int kb)
    {
        var bytes = new byte[Math.Max(kb, 1) * 1024];
        "%PDF-1.7\n"u8.CopyTo(bytes);
        for (var i = 9; i < bytes.Length; i++)
        {
            bytes[i] = (byte)('a' + (i * 7 % 26));
        }

        return bytes;
    }

    static string Initials(string name) => string.Concat(name.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p[0]));

    static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)value;
    }

    static async Task WriteAsync(NpgsqlConnection connection, Generated[] batch)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY patients (id, name, date_of_birth, mrn, email, preferred_language, created_by, created_at, updated_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var p in batch.Select(b => b.Patient).OfType<Patient>())
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(p.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(p.Name, NpgsqlDbType.Varchar);
                await copy.WriteAsync(p.DateOfBirth, NpgsqlDbType.Date);
                await copy.WriteAsync(p.Mrn, NpgsqlDbType.Varchar);
                await WriteNullableAsync(copy, p.Email, NpgsqlDbType.Varchar);
                await WriteNullableAsync(copy, p.PreferredLanguage, NpgsqlDbType.Varchar);
                await copy.WriteAsync(p.CreatedBy, NpgsqlDbType.Uuid);
                await copy.WriteAsync(p.CreatedAt, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(p.UpdatedAt, NpgsqlDbType.TimestampTz);
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY consent_sessions (id, workflow_id, workflow_version, workflow_hash, language, status, patient_name, patient_date_of_birth, patient_mrn, "
            + "patient_email, link_token_hash, expires_at, created_by, created_at, updated_at, completed_at, last_seq, last_hash, patient_id) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var s in batch.Select(b => b.Session))
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(s.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(s.WorkflowId, NpgsqlDbType.Varchar);
                await copy.WriteAsync(s.WorkflowVersion, NpgsqlDbType.Integer);
                await copy.WriteAsync(s.WorkflowHash, NpgsqlDbType.Char);
                await copy.WriteAsync(s.Language, NpgsqlDbType.Varchar);
                await copy.WriteAsync(s.Status, NpgsqlDbType.Varchar);
                await copy.WriteAsync(s.PatientName, NpgsqlDbType.Varchar);
                await copy.WriteAsync(s.PatientDateOfBirth, NpgsqlDbType.Date);
                await WriteNullableAsync(copy, s.PatientMrn, NpgsqlDbType.Varchar);
                await WriteNullableAsync(copy, s.PatientEmail, NpgsqlDbType.Varchar);
                await copy.WriteAsync(s.LinkTokenHash, NpgsqlDbType.Char);
                await copy.WriteAsync(s.ExpiresAt, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(s.CreatedBy, NpgsqlDbType.Uuid);
                await copy.WriteAsync(s.CreatedAt, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(s.UpdatedAt, NpgsqlDbType.TimestampTz);
                if (s.CompletedAt is { } completed)
                {
                    await copy.WriteAsync(completed, NpgsqlDbType.TimestampTz);
                }
                else
                {
                    await copy.WriteNullAsync();
                }

                await copy.WriteAsync(s.LastSeq, NpgsqlDbType.Bigint);
                await copy.WriteAsync(s.LastHash, NpgsqlDbType.Varchar);
                await copy.WriteAsync(s.PatientId, NpgsqlDbType.Uuid);
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY consent_events (session_id, seq, type, step_id, payload, content_hash, actor, ip, user_agent, at, prev_hash, hash, seal, seal_key) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var e in batch.SelectMany(b => b.Events))
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(e.SessionId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(e.Seq, NpgsqlDbType.Bigint);
                await copy.WriteAsync(e.Type, NpgsqlDbType.Varchar);
                await WriteNullableAsync(copy, e.StepId, NpgsqlDbType.Varchar);
                await copy.WriteAsync(e.Payload, NpgsqlDbType.Jsonb);
                await WriteNullableAsync(copy, e.ContentHash, NpgsqlDbType.Varchar);
                await copy.WriteAsync(e.Actor, NpgsqlDbType.Varchar);
                await WriteNullableAsync(copy, e.Ip, NpgsqlDbType.Varchar);
                await WriteNullableAsync(copy, e.UserAgent, NpgsqlDbType.Varchar);
                await copy.WriteAsync(e.At, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(e.PrevHash, NpgsqlDbType.Varchar);
                await copy.WriteAsync(e.Hash, NpgsqlDbType.Varchar);
                await WriteNullableAsync(copy, e.Seal, NpgsqlDbType.Varchar);
                await WriteNullableAsync(copy, e.SealKey, NpgsqlDbType.Varchar);
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY consent_records (id, session_id, kind, pdf, sha256, issued_at) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var record in batch.SelectMany(b => b.Records))
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(record.Id, NpgsqlDbType.Uuid);
                await copy.WriteAsync(record.SessionId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(record.Kind, NpgsqlDbType.Varchar);
                await copy.WriteAsync(record.Pdf, NpgsqlDbType.Bytea);
                await copy.WriteAsync(record.Sha256, NpgsqlDbType.Char);
                await copy.WriteAsync(record.IssuedAt, NpgsqlDbType.TimestampTz);
            }

            await copy.CompleteAsync();
        }

        await transaction.CommitAsync();
    }

    static async Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            await copy.WriteNullAsync();
        }
        else
        {
            await copy.WriteAsync(value, type);
        }
    }
}
