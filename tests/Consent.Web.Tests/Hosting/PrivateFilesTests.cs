using Consent.Web.Hosting;

namespace Consent.Web.Tests.Hosting;

/// <summary>A private key file is created once, by one creator, even when many race for it.</summary>
public sealed class PrivateFilesTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "consent-web-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void ManyCreatorsAtOnce_ExactlyOneWins_AndEveryoneReadsTheWinnersBytes()
    {
        const int Rounds = 60;
        const int Creators = 12;
        for (var round = 0; round < Rounds; round++)
        {
            var file = Path.Combine(folder, $"key-{round}.pfx");
            using var start = new Barrier(Creators);
            var outcomes = Enumerable.Range(0, Creators).AsParallel().WithDegreeOfParallelism(Creators).Select(creator =>
            {
                var mine = new byte[] { (byte)creator, (byte)round, 42 };
                start.SignalAndWait();
                var won = PrivateFiles.WriteNew(file, mine);
                return (Won: won, Mine: mine, Read: File.ReadAllBytes(file));
            }).ToList();

            var winners = outcomes.Where(o => o.Won).ToList();
            Assert.True(winners.Count == 1, $"round {round}: {winners.Count} creators believe they wrote the file");
            Assert.All(outcomes, o => Assert.Equal(winners[0].Mine, o.Read));
            Assert.Equal(winners[0].Mine, File.ReadAllBytes(file));
        }

        Assert.Equal(Rounds, Directory.GetFiles(folder).Length);
    }

    [Fact]
    public void AnExistingFile_IsNeverReplaced_AndALeftOverLockFromACrashedCreatorDoesNotBlock()
    {
        var file = Path.Combine(folder, "key.pfx");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(file + ".lock", []);

        Assert.True(PrivateFiles.WriteNew(file, [1, 2, 3]));
        Assert.False(PrivateFiles.WriteNew(file, [4, 5, 6]));

        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(file));
        Assert.Equal([file], Directory.GetFiles(folder));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
