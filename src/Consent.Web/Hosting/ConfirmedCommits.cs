using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Consent.Web.Hosting;

/// <summary>
/// A commit the service gave up waiting for: it may have committed on the primary without reaching the
/// synchronous standby, or not at all. The caller is answered 503 with Retry-After, never 2xx; a retry
/// with the same Idempotency-Key finds out which (<see cref="ConfirmedCommits"/>).
/// </summary>
public sealed class CommitNotConfirmedException(TimeSpan waited, Exception? inner)
    : Exception($"The commit was not confirmed within {waited.TotalSeconds:0.#} s (is the synchronous standby away?); its outcome is unknown.", inner);

/// <summary>
/// Commits that wait for the synchronous standby at most <c>Database:SynchronousCommitTimeoutSeconds</c>.
/// </summary>
/// <remarks>
/// <para>
/// With <c>synchronous_commit = on</c> and a name in <c>synchronous_standby_names</c>, PostgreSQL writes the
/// commit record locally, then waits, without limit, until the standby has flushed it (PostgreSQL 15 docs,
/// 26.2.8 "Synchronous Replication"). With the standby gone every commit hangs. PostgreSQL has no timeout for
/// that wait, and cancelling it does not undo the commit: the server answers the cancel with the WARNING
/// "canceling wait for synchronous replication due to user request … The transaction has already committed
/// locally, but might not have been replicated to the standby" and reports the COMMIT as successful. So the
/// outcome here is decided by the service's own clock, not by what the server answers: once the wait has
/// run out (the cancel is sent), the commit counts as not confirmed whatever comes back, and the request
/// is answered 503 (<see cref="CommitNotConfirmedException"/>).
/// </para>
/// <para>
/// Such a commit may well be on the primary, visible there, and reach the standby when it returns. A
/// client's retry with the same Idempotency-Key then finds the first answer; <c>SessionWriter</c> commits the
/// retry's own transaction (which holds the session's row lock, so it has a transaction id and a commit
/// record after the first one) through here too, so the first answer is given only once the standby has
/// the first commit as well.
/// </para>
/// </remarks>
public static class ConfirmedCommits
{
    /// <summary>Runs <paramref name="commit"/>; past <paramref name="timeout"/> it is cancelled and counts as not confirmed.</summary>
    /// <exception cref="CommitNotConfirmedException">The wait ran out (whatever the server then said).</exception>
    public static async Task RunAsync(Func<CancellationToken, Task> commit, TimeSpan timeout, CancellationToken ct)
    {
        using var timer = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            await commit(linked.Token);
        }
        catch (Exception e) when (timer.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new CommitNotConfirmedException(timeout, e);
        }

        if (timer.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new CommitNotConfirmedException(timeout, null);
        }
    }

    /// <summary>COMMIT on <paramref name="connection"/>, waiting at most <paramref name="timeout"/>.</summary>
    public static Task CommitAsync(NpgsqlConnection connection, TimeSpan timeout, CancellationToken ct) =>
        RunAsync(async token =>
        {
            await using var command = new NpgsqlCommand("COMMIT", connection);
            await command.ExecuteNonQueryAsync(token);
        }, timeout, ct);
}

/// <summary>
/// Entity Framework's commits go through <see cref="ConfirmedCommits"/>: the interceptor sends the COMMIT
/// itself, bounded, and tells EF not to send its own. Npgsql follows the transaction state from the
/// server's ReadyForQuery, so the transaction object then knows it is over.
/// </summary>
public sealed class ConfirmedCommitInterceptor(TimeSpan timeout) : DbTransactionInterceptor
{
    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (result.IsSuppressed || transaction is not NpgsqlTransaction { Connection: { } connection })
        {
            return result;
        }

        await ConfirmedCommits.CommitAsync(connection, timeout, cancellationToken);
        return InterceptionResult.Suppress();
    }
}
