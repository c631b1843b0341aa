using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace Consent.Records.Tests.Fhir;

/// <summary>
/// The Firely validator over the R4 core specification (specification.zip from
/// Hl7.Fhir.Specification.Data.R4, copied beside the tests): offline, no terminology server.
/// </summary>
static class FhirValidation
{
    static readonly Lazy<Validator> Shared = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);
    static readonly Lock Gate = new();

    /// <summary>Every issue of severity error or fatal, as "severity at path: message".</summary>
    public static IReadOnlyList<string> Errors(Resource resource)
    {
        OperationOutcome outcome;
        lock (Gate)
        {
            outcome = Shared.Value.Validate(resource);
        }

        return [.. outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Severity} at {string.Join(", ", i.Expression)}: {i.Details?.Text ?? i.Diagnostics}")];
    }

    static Validator Create()
    {
        var specification = ZipSource.CreateValidationSource();
        var resolver = new CachedResolver(specification).AsAsync();
        return new Validator(resolver, LocalTerminologyService.CreateDefaultForCore(resolver));
    }
}
