using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Text;

namespace Consent.Records;

/// <summary>
/// An RFC 3161 time-stamping client (HTTP transport, RFC 3161 section 3.4): sends a TimeStampReq for a
/// SHA-256 imprint with a fresh nonce and certReq true, and accepts only a granted reply whose token is
/// for that imprint and nonce and is signed by the certificate it names (<see cref="Rfc3161TimestampRequest.ProcessResponse"/>
/// checks both, and that the signing certificate is identified by ESSCertID or ESSCertIDv2, RFC 5816).
/// </summary>
/// <remarks>Thread-safe. Whether the TSA is trusted is the verifier's question, not the client's.</remarks>
public sealed class TimestampAuthority
{
    const string QueryType = "application/timestamp-query";
    const string ReplyType = "application/timestamp-reply";

    /// <summary>The largest reply read: a token with its TSA chain is a few kilobytes.</summary>
    const int MaxReplyBytes = 256 * 1024;

    readonly HttpClient _http;
    readonly AuthenticationHeaderValue? _authorization;

    /// <param name="http">The client requests go through; its Timeout bounds each request.</param>
    /// <param name="url">The TSA's HTTP(S) address.</param>
    /// <param name="user">HTTP Basic user name, when the TSA asks for one.</param>
    /// <param name="password">HTTP Basic password.</param>
    public TimestampAuthority(HttpClient http, Uri url, string? user = null, string? password = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The time-stamping authority's address must be an absolute http or https URL, not '{url}'.", nameof(url));
        }

        _http = http;
        Url = url;
        if (!string.IsNullOrEmpty(user))
        {
            _authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }
    }

    /// <summary>The TSA's address.</summary>
    public Uri Url { get; }

    /// <summary>A token over a SHA-256 <paramref name="sha256"/> (a document time-stamp, a checkpoint's root).</summary>
    /// <exception cref="TimestampUnavailableException">The TSA did not answer with a valid token for it.</exception>
    public Task<Rfc3161TimestampToken> StampHashAsync(ReadOnlyMemory<byte> sha256, CancellationToken ct)
    {
        if (sha256.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("A SHA-256 hash is 32 bytes.", nameof(sha256));
        }

        return RequestAsync(Rfc3161TimestampRequest.CreateFromHash(sha256, HashAlgorithmName.SHA256, nonce: Nonce(), requestSignerCertificates: true), ct);
    }

    /// <summary>A token over a CMS signer's signature value: the signature-time-stamp of CAdES (ETSI EN 319 122-1, 5.3).</summary>
    /// <exception cref="TimestampUnavailableException">The TSA did not answer with a valid token for it.</exception>
    public Task<Rfc3161TimestampToken> StampSignatureAsync(SignerInfo signer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(signer);
        return RequestAsync(Rfc3161TimestampRequest.CreateFromSignerInfo(signer, HashAlgorithmName.SHA256, nonce: Nonce(), requestSignerCertificates: true), ct);
    }

    async Task<Rfc3161TimestampToken> RequestAsync(Rfc3161TimestampRequest request, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ByteArrayContent(request.Encode()) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(QueryType);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ReplyType));
        message.Headers.Authorization = _authorization;
        byte[] reply;
        // The client's Timeout bounds only the wait for the headers once they are read separately: the deadline covers the
        // body too, so a TSA that trickles its reply a byte at a time cannot hold the outbox (found by an outside review).
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (_http.Timeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(_http.Timeout);
        }

        try
        {
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new TimestampUnavailableException($"The time-stamping authority {Url} answered HTTP {(int)response.StatusCode}.");
            }

            if (response.Content.Headers.ContentLength > MaxReplyBytes)
            {
                throw new TimestampUnavailableException($"The time-stamping authority {Url} answered {response.Content.Headers.ContentLength} bytes, more than a reply can be.");
            }

            reply = await ReadBoundedAsync(response.Content, deadline.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new TimestampUnavailableException($"The time-stamping authority {Url} could not be reached ({e.Message.TrimEnd('.')}).", e);
        }
        catch (IOException e)
        {
            throw new TimestampUnavailableException($"The time-stamping authority {Url} broke off its reply ({e.Message.TrimEnd('.')}).", e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TimestampUnavailableException($"The time-stamping authority {Url} did not answer in time (within {_http.Timeout.TotalSeconds:0} s).", e);
        }

        try
        {
            return request.ProcessResponse(reply, out _);
        }
        catch (CryptographicException e)
        {
            throw new TimestampUnavailableException($"The time-stamping authority {Url} did not grant a valid token ({e.Message.TrimEnd('.')}).", e);
        }
    }

    async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxReplyBytes)
            {
                throw new TimestampUnavailableException($"The time-stamping authority {Url} answered more than {MaxReplyBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    static byte[] Nonce()
    {
        var nonce = RandomNumberGenerator.GetBytes(16);
        nonce[0] &= 0x7F; // a positive INTEGER
        nonce[0] |= 0x01;
        return nonce;
    }
}

/// <summary>The time-stamping authority could not be reached, refused, or answered something that is not a valid token for the request.</summary>
public sealed class TimestampUnavailableException : Exception
{
    public TimestampUnavailableException(string message) : base(message) { }

    public TimestampUnavailableException(string message, Exception inner) : base(message, inner) { }
}
