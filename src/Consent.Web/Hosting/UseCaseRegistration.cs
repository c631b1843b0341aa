using Consent.Web.UseCases.Audit;
using Consent.Web.UseCases.Clinician;
using Consent.Web.UseCases.Patients;
using Consent.Web.UseCases.Review;
using Consent.Web.UseCases.Sessions;
using Consent.Web.UseCases.Staff;

namespace Consent.Web.Hosting;

/// <summary>The use cases (UseCases/): plain scoped services that pages and endpoints both call.</summary>
/// <remarks>
/// Registered before the endpoints are mapped: a minimal API handler's parameter of a type the
/// container does not know would be read from the request body instead.
/// </remarks>
public static class UseCaseRegistration
{
    public static IServiceCollection AddConsentUseCases(this IServiceCollection services)
    {
        services.AddScoped<SessionStarts>();
        services.AddScoped<UseCases.PatientRecords.PatientRegistry>();
        services.AddScoped<UseCases.PatientRecords.PatientTimeline>();
        services.AddScoped<UseCases.PatientRecords.PatientConsents>();
        services.AddScoped<UseCases.PatientRecords.PatientReconsent>();
        services.AddScoped<UseCases.PatientRecords.PatientCheckins>();
        services.AddScoped<UseCases.PatientRecords.TodaysCheckins>();
        services.AddScoped<UseCases.PatientRecords.ConsentRenewals>();
        services.AddHostedService<UseCases.PatientRecords.RenewalMonitor>();
        services.AddScoped<UseCases.PatientRecords.ConsentGate>();
        services.AddSingleton<UseCases.PatientRecords.GateTerms>();
        services.AddScoped<UseCases.PatientRecords.ConsentSearch>();
        services.AddScoped<UseCases.CdsHooks.KetamineConsentHook>();
        services.AddSingleton<Identity.TrustedClients>();
        services.AddScoped<Identity.ClientTokens>();
        services.AddScoped<SessionReads>();
        services.AddScoped<ClinicianActions>();
        services.AddScoped<PatientAccessService>();
        services.AddScoped<PatientActions>();
        services.AddScoped<CheckinWithdrawals>();
        services.AddScoped<SaveForLater>();
        services.AddSingleton<PatientPreviews>();
        services.AddScoped<WorkflowReviews>();
        services.AddSingleton<WorkflowVersions.ReviewSeals>();
        services.AddScoped<WorkflowVersions.WorkflowApprovals>();
        services.AddScoped<WorkflowVersions.ReviewSignatures>();
        services.AddScoped<StaffAdministration>();
        services.AddScoped<StaffResets>();
        services.AddScoped<OwnAccount>();
        services.AddScoped<StaffLinks>();
        services.AddScoped<TrainingAttestations>();
        services.AddScoped<AuditTrail>();
        return services;
    }
}
