using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Consent.Web.Tests.Infrastructure;

/// <summary>
/// Clients of a factory's real Kestrel server (one that called <c>UseKestrel</c>) that connect from
/// a loopback address of the test's choosing. The in-memory test server has no client address at
/// all, so whatever is keyed on it (rate limits, the event log's "from where") is only real here.
/// Linux routes all of 127.0.0.0/8 to the loopback device, so a client can connect from any of it.
/// </summary>
public static class LoopbackClient
{
    /// <summary>Where the factory's Kestrel server listens.</summary>
    public static Uri ServerAddress(ConsentWebFactory factory) =>
        new(factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>A client whose connections come from <paramref name="local"/> (no redirects followed, no cookies kept).</summary>
    public static HttpClient From(ConsentWebFactory factory, IPAddress local) =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        { BaseAddress = ServerAddress(factory) };
}
