using System.Collections;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Consent.Web.Hosting;

/// <summary>
/// The service's logger factory: every message, structured value, scope and exception text passes
/// through <see cref="LinkTokenRedaction"/> before any log provider (console, JSON, a test's) sees it.
/// </summary>
/// <remarks>
/// Patient link tokens travel in request paths, which ASP.NET Core itself logs: "Request starting"
/// (Hosting, Information), the <c>RequestPath</c> of every request's log scope (in the JSON log's
/// scopes), routing, static files and Razor Pages route values (Debug and Trace). Masking at the one
/// place all loggers are made covers those and any future one, at the cost of a string search per
/// log line that is actually written.
/// </remarks>
public sealed class RedactingLoggerFactory(ILoggerFactory inner, IHttpContextAccessor http) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName), this);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    /// <summary>The token of the patient path being served on this call's request, masked wherever it appears.</summary>
    internal string? CurrentToken() => http.HttpContext is { } context ? LinkTokenRedaction.TokenIn(context.Request.Path) : null;

    /// <summary>Replaces the logging's own factory with this one around it.</summary>
    public static IServiceCollection Register(IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(provider => new RedactingLoggerFactory(
            new LoggerFactory(
                provider.GetServices<ILoggerProvider>(),
                provider.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
                provider.GetService<IOptions<LoggerFactoryOptions>>(),
                provider.GetService<IExternalScopeProvider>()),
            provider.GetRequiredService<IHttpContextAccessor>())));
        return services;
    }
}

/// <summary>One category's logger, masking what it passes on.</summary>
internal sealed class RedactingLogger(ILogger inner, RedactingLoggerFactory factory) : ILogger
{
    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
        state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? inner.BeginScope(new RedactedPairs(pairs, () => state.ToString() ?? "", factory))
            : inner.BeginScope(new RedactedText(state, factory));

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        var pairs = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
        var redacted = new RedactedPairs(pairs, () => formatter(state, exception), factory);
        inner.Log(logLevel, eventId, redacted, Redacted(exception), static (s, _) => s.ToString());
    }

    private Exception? Redacted(Exception? exception)
    {
        if (exception is null)
        {
            return null;
        }

        var text = exception.ToString();
        var masked = LinkTokenRedaction.Redact(text, factory.CurrentToken());
        return ReferenceEquals(text, masked) || text == masked ? exception : new RedactedException(exception, masked);
    }
}

/// <summary>Structured values (a log line's or a scope's) with every text in them masked; read lazily, once.</summary>
internal sealed class RedactedPairs(IEnumerable<KeyValuePair<string, object?>> source, Func<string> text, RedactingLoggerFactory factory)
    : IReadOnlyList<KeyValuePair<string, object?>>
{
    private KeyValuePair<string, object?>[]? pairs;
    private string? message;

    public int Count => Pairs.Length;

    public KeyValuePair<string, object?> this[int index] => Pairs[index];

    private KeyValuePair<string, object?>[] Pairs => pairs ??= Mask(source, factory.CurrentToken());

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)Pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => message ??= LinkTokenRedaction.Redact(text(), factory.CurrentToken());

    private static KeyValuePair<string, object?>[] Mask(IEnumerable<KeyValuePair<string, object?>> source, string? token) =>
        source.Select(pair => pair.Key == "{OriginalFormat}" ? pair : new(pair.Key, MaskValue(pair.Value, token))).ToArray();

    /// <summary>Numbers, dates and the like stay as they are; anything else (strings, PathString, route values, lists) is masked, and becomes that text only if masking changed it.</summary>
    private static object? MaskValue(object? value, string? token)
    {
        if (value is null or bool or char or byte or sbyte or short or ushort or int or uint or long or ulong
            or float or double or decimal or DateTime or DateTimeOffset or TimeSpan or Guid or Enum)
        {
            return value;
        }

        var text = value is IEnumerable items and not string
            ? string.Join(", ", items.Cast<object?>())
            : value.ToString() ?? "";
        var masked = LinkTokenRedaction.Redact(text, token);
        return text == masked ? value : masked;
    }
}

/// <summary>A scope that is plain text, masked when it is written.</summary>
internal sealed class RedactedText(object state, RedactingLoggerFactory factory)
{
    public override string ToString() => LinkTokenRedaction.Redact(state.ToString() ?? "", factory.CurrentToken());
}

/// <summary>An exception whose text named a link token: the same report, masked.</summary>
internal sealed class RedactedException(Exception original, string text) : Exception(original.GetType().FullName)
{
    public override string? StackTrace => null;

    public override string ToString() => text;
}
