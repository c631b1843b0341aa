namespace Consent.Web.Tests.Infrastructure;

/// <summary>
/// The patient that sessions written straight into the database by a test belong to (every session has one):
/// put <see cref="Ensure"/> before the insert and <see cref="Id"/> in its <c>patient_id</c>.
/// </summary>
public static class SyntheticPatient
{
    public const string Id = "00000000-0000-4000-8000-5e7e11ca1000";

    public const string Ensure =
        "INSERT INTO patients (id, name, date_of_birth, created_by, created_at, updated_at) "
        + "VALUES ('" + Id + "', 'Synthetic Patient', date '1970-01-01', gen_random_uuid(), now(), now()) ON CONFLICT DO NOTHING;";
}
