using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Consent.Testing;

/// <summary>
/// The development PKI and RFC 3161 time-stamping authority of scripts/dev-tsa.sh (docs/development-pki.md),
/// each instance in a folder of its own on a loopback port of its own, so test classes may run them in
/// parallel. <see cref="Stop"/> and <see cref="Start"/> take it down and bring it back on the same port,
/// as a TSA that is away for a while; <see cref="Dispose"/> stops it and deletes the folder.
/// </summary>
internal sealed class DevTsa : IDisposable
{
    // Below Linux's ephemeral range (32768-60999), where an outgoing connection may take a port at
    // any moment (scripts/lib/common.sh, free_port), and clear of the ports scripts/run.sh and
    // scripts/test.sh use.
    private const int FirstPort = 27000;
    private const int PortCount = 5000;
    private static readonly HashSet<int> PortsHandedOut = [];

    private readonly string? user;
    private readonly string? password;
    private bool disposed;

    /// <param name="user">With <paramref name="password"/>: the HTTP Basic credentials POST /tsa then needs.</param>
    /// <param name="password">The password that goes with <paramref name="user"/>.</param>
    public DevTsa(string? user = null, string? password = null)
    {
        if ((user is null) != (password is null))
        {
            throw new ArgumentException("Give both a user and a password, or neither.");
        }

        this.user = user;
        this.password = password;
        string? problem = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            Port = ClaimPort();
            Directory = Path.Combine(Path.GetTempPath(), "consent-dev-tsa", Guid.NewGuid().ToString("N"));
            System.IO.Directory.CreateDirectory(Directory);
            var result = Script("start", Directory, Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (result.ExitCode == 0)
            {
                return;
            }

            // Another process took the port between the check and the start: a new folder (its
            // certificates name their port) on another port.
            problem = result.Error;
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        throw new InvalidOperationException("scripts/dev-tsa.sh start failed five times: " + problem);
    }

    /// <summary>The folder of the PKI (scripts/dev-tsa.sh init).</summary>
    public string Directory { get; } = "";

    /// <summary>The loopback port it serves on, which its certificates' CRL and CA addresses name.</summary>
    public int Port { get; }

    /// <summary>http://127.0.0.1:PORT, without a trailing slash.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The TSA's address: POST an application/timestamp-query here.</summary>
    public string Url => BaseUrl + "/tsa";

    /// <summary>The CRL distribution point in the certificates the CA issued (the CRL in DER).</summary>
    public string CrlUrl => BaseUrl + "/crl/ca.crl";

    /// <summary>The development root CA's certificate (PEM).</summary>
    public string CaPemPath => Path.Combine(Directory, "ca.pem");

    /// <summary>The TSA's certificate (PEM).</summary>
    public string TsaCertPath => Path.Combine(Directory, "tsa.pem");

    /// <summary>The records-signing PKCS#12 (no password): its key, its certificate and the CA's.</summary>
    public string SigningPfxPath => Path.Combine(Directory, "records-signing.pfx");

    /// <summary>The records-signing certificate (PEM).</summary>
    public string SigningCertPath => Path.Combine(Directory, "records-signing.pem");

    /// <summary>The CA's current CRL (PEM).</summary>
    public string CrlPemPath => Path.Combine(Directory, "crl.pem");

    /// <summary>Starts it again on the same port (after <see cref="Stop"/>); nothing to do when it runs.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var result = Script("start", Directory, Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/dev-tsa.sh start on port {Port} failed: {result.Error}");
        }
    }

    /// <summary>Stops the server (its files stay); nothing to do when stopped.</summary>
    public void Stop() => Script("stop", Directory);

    /// <summary>Revokes a certificate the development CA issued and publishes a new CRL.</summary>
    public void Revoke(string certificatePath)
    {
        var result = Script("revoke", Directory, certificatePath);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("scripts/dev-tsa.sh revoke failed: " + result.Error);
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Script("stop", Directory);
        lock (PortsHandedOut)
        {
            PortsHandedOut.Remove(Port);
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left in the temporary folder; nothing depends on it.
        }
    }

    /// <summary>A port nothing listens on now and no other instance of this process holds.</summary>
    private static int ClaimPort()
    {
        lock (PortsHandedOut)
        {
            var start = Random.Shared.Next(PortCount);
            for (var i = 0; i < PortCount; i++)
            {
                var port = FirstPort + ((start + i) % PortCount);
                if (PortsHandedOut.Contains(port) || !Free(port))
                {
                    continue;
                }

                PortsHandedOut.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException($"No free loopback port in {FirstPort}-{FirstPort + PortCount - 1}.");
    }

    private static bool Free(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private (int ExitCode, string Output, string Error) Script(params string[] arguments)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "scripts", "dev-tsa.sh"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("DEV_TSA_USER");
        info.Environment.Remove("DEV_TSA_PASSWORD");
        if (user is not null && password is not null)
        {
            info.Environment["DEV_TSA_USER"] = user;
            info.Environment["DEV_TSA_PASSWORD"] = password;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("scripts/dev-tsa.sh " + string.Join(' ', arguments) + " did not finish in 60 s");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
