using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Consent.Records;
using Markdig;

namespace Consent.Benchmarks;

/// <summary>Helpers for benchmarks/run.sh: the record as HTML for Chromium, and a plain timing loop of our render.</summary>
public static class Commands
{
    /// <summary><c>record-html OUT.html [DISCLOSURES]</c>: the typical record's content as one HTML page, styled like the PDF.</summary>
    public static int RecordHtml(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length is < 2 or > 3)
        {
            Console.Error.WriteLine("usage: record-html OUT.html [DISCLOSURES]");
            return 2;
        }

        var disclosures = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
        File.WriteAllText(args[1], RecordHtmlPage.Write(TypicalRecord.Build(TypicalSession.Walk(), disclosures)));
        return 0;
    }

    /// <summary>
    /// <c>time-render RUNS [OUT.pdf [DISCLOSURES]]</c>: renders and signs (ECDSA P-256) the typical
    /// record (10 disclosures unless told) RUNS times after a warm-up, single-threaded, prints the
    /// median in milliseconds and writes one output for inspection.
    /// </summary>
    /// <summary>
    /// <c>state-size [N]</c>: the memory one replayed session state holds, as the service's state
    /// cache keeps it: N states of the typical session (complete, and halfway), each replayed from
    /// its own parsed events, kept alive, and the managed heap measured before and after.
    /// </summary>
    public static int StateSize(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
        var session = TypicalSession.Walk();
        var rows = session.Events.Select(e => (e.Seq, e.Type, e.StepId, Payload: e.Payload.ToJsonString(), e.ContentHash, e.Actor, e.At)).ToArray();
        foreach (var (label, length) in new[] { ("complete", rows.Length), ("halfway", rows.Length / 2) })
        {
            var kept = new Consent.Workflows.SessionState[count];
            var before = GC.GetTotalMemory(forceFullCollection: true);
            for (var i = 0; i < count; i++)
            {
                var events = rows.Take(length).Select(r => new Consent.Workflows.RecordedEvent(
                    r.Seq, r.Type, r.StepId, System.Text.Json.Nodes.JsonNode.Parse(r.Payload)!.AsObject(), r.ContentHash, r.Actor, r.At)).ToList();
                kept[i] = Consent.Workflows.ConsentInterpreter.Replay(session.Workflow, events);
            }

            var after = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(kept);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"session state ({label}, {length} events): {(after - before) / (double)count / 1024:F1} KiB each over {count}; 20,000 cached: {(after - before) / (double)count * 20_000 / 1024 / 1024:F0} MiB"));
        }

        return 0;
    }

    /// <summary>
    /// <c>time-evidence TSA_URL CA.pem SIGNING.pfx RUNS</c>: the network part of a record's long-term evidence, timed apart
    /// from the render: one RFC 3161 round trip to the TSA, the signature time-stamp put in place (PAdES B-T), and the
    /// validation data with its CRL fetch and the archive time-stamp (B-LTA); medians over RUNS after 20 warm-up runs.
    /// </summary>
    public static int TimeEvidence(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length < 4)
        {
            Console.Error.WriteLine("Usage: time-evidence TSA_URL CA.pem SIGNING.pfx [RUNS]   (scripts/dev-tsa.sh start DIR PORT makes all three)");
            return 2;
        }

        var runs = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 100;
        var chain = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12CollectionFromFile(args[3], null,
            System.Security.Cryptography.X509Certificates.X509KeyStorageFlags.EphemeralKeySet);
        var signing = chain.First(c => c.HasPrivateKey);
        var ca = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(args[2]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var tsa = new TimestampAuthority(http, new Uri(args[1]));
        var evidence = new RecordEvidence(tsa, http, [.. chain], [ca]);
        var record = TypicalRecord.Build(TypicalSession.Walk(), 10);
        var signed = ConsentRecordPdf.RenderSigned(record, new RecordSigner(signing, RecordSigner.DefaultTimestampRoom));
        var round = new List<double>();
        var inPlace = new List<double>();
        var extend = new List<double>();
        byte[] last = [];
        for (var i = 0; i < runs + 20; i++)
        {
            var clock = Stopwatch.StartNew();
            tsa.StampHashAsync(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)), CancellationToken.None).GetAwaiter().GetResult();
            var a = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var bt = evidence.TimestampSignatureAsync(signed, CancellationToken.None).GetAwaiter().GetResult();
            var b = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            last = evidence.ExtendAsync(bt, EvidenceRenewal.Default, DateTimeOffset.UtcNow, CancellationToken.None).GetAwaiter().GetResult().Pdf;
            var c = clock.Elapsed.TotalMilliseconds;
            if (i >= 20)
            {
                round.Add(a);
                inPlace.Add(b);
                extend.Add(c);
            }
        }

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"TSA round trip: median {Median(round):F2} ms; signature time-stamp in place (B-T): median {Median(inPlace):F2} ms; "
            + $"validation data + archive time-stamp (B-LTA, one CRL fetch, one TSA round trip): median {Median(extend):F2} ms; over {runs} runs; "
            + $"file {signed.Length} -> {last.Length} bytes"));
        return 0;
    }

    public static int TimeRender(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
        var record = TypicalRecord.Build(TypicalSession.Walk(), args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10);
        var signer = new RecordSigner(RecordCertificates.Ecdsa());
        byte[] pdf = [];
        // Warm up for 5 s: tiered compilation needs seconds of calls before the hot methods run as
        // optimized (tier-1, with profile-guided optimization) code; before that a render takes 2-3 times longer.
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed < TimeSpan.FromSeconds(5))
        {
            pdf = ConsentRecordPdf.RenderSigned(record, signer);
        }

        var times = new double[runs];
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            pdf = ConsentRecordPdf.RenderSigned(record, signer);
            times[i] = watch.Elapsed.TotalMilliseconds;
        }

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        (gen0, gen1, gen2) = (GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);

        Array.Sort(times);
        if (args.Length > 2)
        {
            File.WriteAllBytes(args[2], pdf);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"render+sign ECDSA: median {times[runs / 2]:F2} ms, fastest {times[0]:F2} ms over {runs} runs ({RecordBenchmarks.PageCount(pdf)} pages, {pdf.Length} bytes); " +
            $"per record {allocated / runs / 1024.0 / 1024.0:F2} MB allocated; collections per 100 records: gen0 {gen0 * 100.0 / runs:F0}, gen1 {gen1 * 100.0 / runs:F0}, gen2 {gen2 * 100.0 / runs:F0}"));
        return 0;
    }
}

/// <summary>The same content as the PDF record, as HTML for a browser to print.</summary>
public static class RecordHtmlPage
{
    public static string Write(ConsentRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
        string T(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, record.TimeZone).ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!doctype html><html lang="{{E(record.Workflow.Language)}}"><head><meta charset="utf-8"><title>Consent record</title>
            <style>
            @page { size: Letter; margin: 54pt 54pt 60pt 54pt; }
            body { font-family: "Liberation Sans", Arial, sans-serif; font-size: 10pt; line-height: 1.3; color: #111; }
            h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 14pt 0 4pt; border-bottom: 1px solid #999; }
            h3 { font-size: 10.5pt; margin: 10pt 0 2pt; } table { border-collapse: collapse; width: 100%; }
            td, th { border: 1px solid #bbb; padding: 2pt 4pt; vertical-align: top; text-align: left; }
            .audit td { font-size: 7.5pt; word-break: break-all; } .ack { color: #333; font-size: 9pt; }
            .disclosure, .sig { break-inside: avoid; }
            </style></head><body>
            <h1>Informed consent record</h1>
            <p>{{E(record.Clinic.Name)}}<br>{{string.Join("<br>", record.Clinic.AddressLines.Select(E))}}<br>{{E(record.Clinic.Phone)}}</p>
            <table><tr><th>Patient</th><td>{{E(record.Patient.Name)}}</td><th>Date of birth</th><td>{{record.Patient.DateOfBirth:yyyy-MM-dd}}</td></tr>
            <tr><th>MRN</th><td>{{E(record.Patient.MedicalRecordNumber)}}</td><th>Session</th><td>{{record.SessionId}}</td></tr>
            <tr><th>Workflow</th><td>{{E(record.Workflow.Title)}} (v{{record.Workflow.Version}})</td><th>Workflow hash</th><td style="word-break:break-all">{{E(record.Workflow.Hash)}}</td></tr>
            <tr><th>Started</th><td>{{T(record.StartedAt)}}</td><th>Issued</th><td>{{T(record.IssuedAt)}}</td></tr></table>
            <h2>Screening</h2><table>
            """);
        foreach (var a in record.ScreeningAnswers)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(a.Question)}</td><td>{E(a.Answer)}</td><td>{T(a.At)}</td></tr>");
        }

        html.Append("</table><h2>Disclosures</h2>");
        foreach (var d in record.Disclosures)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<div class="disclosure">{Markdown.ToHtml(d.Body)}<p class="ack">Acknowledged {T(d.AcknowledgedAt)} by {(d.Method == AcknowledgmentMethod.Initials ? "initials " + E(d.Initials) : "checkbox")} · SHA-256 {d.ContentSha256}</p></div>""");
        }

        html.Append("<h2>Understanding check</h2>");
        foreach (var attempt in record.Comprehension?.Attempts ?? [])
        {
            html.Append(CultureInfo.InvariantCulture, $"<h3>Attempt {attempt.Number}, {T(attempt.At)}</h3><table>");
            foreach (var a in attempt.Answers)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(a.Question)}</td><td>{E(a.ChosenLabel)}</td><td>{(a.Correct ? "correct" : "not correct")}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("<h2>Questions and discussions</h2>");
        foreach (var q in record.Questions)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p><b>{E(q.Question)}</b> ({T(q.AskedAt)})<br>{E(q.Answer)} — {E(q.AnsweredBy)}</p>");
        }

        foreach (var d in record.Discussions)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{E(d.Note)} — {E(d.By)}, {T(d.At)}</p>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<h2>Signatures</h2><p>{E(record.CertificationStatement)}</p>");
        foreach (var s in record.Signatures)
        {
            var strokes = string.Concat(s.Strokes.Select(stroke =>
                $"""<polyline fill="none" stroke="#000" stroke-width="2" points="{string.Join(' ', stroke.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X},{p.Y}")))}"/>"""));
            html.Append(CultureInfo.InvariantCulture, $"""<div class="sig"><svg width="300" height="70" viewBox="0 0 400 120">{strokes}</svg><p>{E(s.PrintedName)} · {E(s.Meaning)} · {E(s.Method)} · {T(s.SignedAt)}</p></div>""");
        }

        html.Append(CultureInfo.InvariantCulture, $"<p>{E(record.ClinicianAttestation)}</p><h2>How to withdraw</h2>{Markdown.ToHtml(record.HowToWithdraw ?? "")}");
        html.Append("<h2>Audit trail</h2><table class=\"audit\"><tr><th>#</th><th>Event</th><th>Time</th><th>Actor</th><th>IP</th><th>Hash</th></tr>");
        foreach (var e in record.Audit.Events)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{e.Sequence}</td><td>{E(e.Type)}</td><td>{T(e.At)}</td><td>{E(e.Actor)}</td><td>{E(e.IpAddress)}</td><td>{e.Hash}</td></tr>");
        }

        html.Append(CultureInfo.InvariantCulture, $"</table><p>Chain head {record.Audit.LastHash}</p></body></html>\n");
        return html.ToString();
    }
}
