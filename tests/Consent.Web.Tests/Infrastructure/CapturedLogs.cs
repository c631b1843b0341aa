using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Consent.Web.Tests.Infrastructure;

/// <summary>
/// A logger provider that keeps every line (level, message, exception and scopes) in a queue a test
/// reads: what an operator would see in the service's log.
/// </summary>
public sealed class CapturedLogs(ConcurrentQueue<string> lines) : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(lines, () => scopes);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> lines, Func<IExternalScopeProvider> scopes) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => scopes().Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopeText = new System.Text.StringBuilder();
            scopes().ForEachScope((scope, text) => text.Append(' ').Append(scope is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(",", pairs.Select(p => $"{p.Key}={p.Value}")) : scope?.ToString()), scopeText);
            lines.Enqueue($"{logLevel} {formatter(state, exception)} {exception}{scopeText}");
        }
    }
}
