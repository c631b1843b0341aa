using System.Collections.Concurrent;
using Consent.Web.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Consent.Web.Tests.Hosting;

/// <summary>The problem handler's own log line for a failed request names its path without the patient's link token.</summary>
public sealed class ProblemHandlerLogTests
{
    private const string Token = "Zq3vX9_kP-2mN8rT5wY1aB4cD7eF0gH6iJ8kL2mN4oP";

    [Fact]
    public async Task ProblemHandler_LogsThePathOfAFailedPatientRequest_WithTheTokenMasked()
    {
        var lines = new ConcurrentQueue<string>();
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var handler = new ProblemExceptionHandler(
            services.GetRequiredService<Microsoft.AspNetCore.Http.IProblemDetailsService>(), new ListLogger<ProblemExceptionHandler>(lines));
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Path = $"/api/v1/patient/{Token}/current";
        context.Response.Body = new MemoryStream();

        Assert.True(await handler.TryHandleAsync(context, new InvalidOperationException("boom"), CancellationToken.None));

        Assert.Equal(500, context.Response.StatusCode);
        var line = Assert.Single(lines);
        Assert.DoesNotContain(Token, line, StringComparison.Ordinal);
        Assert.Contains("/api/v1/patient/***/current", line, StringComparison.Ordinal);
    }

    private sealed class ListLogger<T>(ConcurrentQueue<string> lines) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + " " + string.Join(",", (state as IEnumerable<KeyValuePair<string, object?>> ?? []).Select(p => $"{p.Key}={p.Value}")));
    }
}
