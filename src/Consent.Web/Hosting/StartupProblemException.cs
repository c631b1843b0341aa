namespace Consent.Web.Hosting;

/// <summary>Start-up refused for something the operator must fix (configuration, workflow files); the message says what.</summary>
public sealed class StartupProblemException(string message) : Exception(message);
