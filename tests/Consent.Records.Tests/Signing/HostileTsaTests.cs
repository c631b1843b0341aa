using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Consent.Records.Signing;

namespace Consent.Records.Tests.Signing;

/// <summary>
/// A time-stamping authority that misbehaves on the wire (a real socket, not a stand-in for our client): the request
/// fails within the client's timeout, as <see cref="TimestampUnavailableException"/>, so the record is issued at B-B and
/// upgraded later, and the outbox goes on.
/// </summary>
public sealed class HostileTsaTests
{
    [Theory]
    [InlineData("trickle")] // headers promise 4,000 bytes, then one byte every 2 s
    [InlineData("cut")] // headers promise 4,000 bytes, 10 arrive, then the connection closes
    public async Task AReplyThatTricklesOrIsCutOff_FailsWithinTheTimeout(string behaviour)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var server = ServeAsync(listener, behaviour, stop.Token);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var tsa = new TimestampAuthority(http, new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/tsa"));

        var clock = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<TimestampUnavailableException>(() => tsa.StampHashAsync(SHA256.HashData("record"u8), CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Contains(behaviour == "trickle" ? "did not answer in time" : "127.0.0.1", failure.Message, StringComparison.Ordinal);
        await stop.CancelAsync();
        listener.Stop();
        await server.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    static async Task ServeAsync(TcpListener listener, string behaviour, CancellationToken ct)
    {
        using var client = await listener.AcceptTcpClientAsync(ct);
        var stream = client.GetStream();
        var request = new byte[64 * 1024];
        _ = await stream.ReadAsync(request, ct);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\nContent-Length: 4000\r\n\r\n"), ct);
        if (behaviour == "cut")
        {
            await stream.WriteAsync(new byte[10], ct);
            client.Client.Shutdown(SocketShutdown.Both);
            return;
        }

        for (var i = 0; i < 30 && !ct.IsCancellationRequested; i++)
        {
            await stream.WriteAsync(new byte[1], ct);
            await Task.Delay(2000, ct);
        }
    }
}
