using System.Threading.Channels;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WalletCrew.Plugins.Engine.Reload;
using Xunit;

namespace WalletCrew.Plugins.Engine.Tests.Reload;

/// <summary>
/// The folder watcher behind hot reload and the host's tenants root: what it reports, when, and what happens when the
/// file system loses events. Real files and a real file system watcher; the quiet period and polling on a fake clock.
/// </summary>
public sealed class FolderWatcherTests : IDisposable
{
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(250);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("wcp-watch-");
    private readonly FakeTimeProvider _time = new();
    private readonly Channel<IReadOnlySet<string>?> _reports = Channel.CreateUnbounded<IReadOnlySet<string>?>();

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task SavesUnderTwoTenantFoldersReportExactlyThoseFolders()
    {
        Directory.CreateDirectory(Path.Combine(_root.FullName, "acme", "scripts"));
        Directory.CreateDirectory(Path.Combine(_root.FullName, "globex"));
        Directory.CreateDirectory(Path.Combine(_root.FullName, "untouched"));
        using var watcher = Watch(_root.FullName, FolderWatchScope.Files);

        await File.WriteAllTextAsync(Path.Combine(_root.FullName, "acme", "scripts", "hook.csx"), "// saved");
        await File.WriteAllTextAsync(Path.Combine(_root.FullName, "globex", "tenant.json"), "{}");

        var reported = await ReportedUntilAsync(names => names.IsSupersetOf(["acme", "globex"]));
        reported.Should().BeEquivalentTo(["acme", "globex"], "a save reports the tenant folder it is in, and no other");
    }

    [Fact]
    public async Task ARenamedFolderReportsItsOldAndItsNewName()
    {
        Directory.CreateDirectory(Path.Combine(_root.FullName, "before"));
        using var watcher = Watch(_root.FullName, FolderWatchScope.Entries);

        Directory.Move(Path.Combine(_root.FullName, "before"), Path.Combine(_root.FullName, "after"));

        var reported = await ReportedUntilAsync(names => names.IsSupersetOf(["before", "after"]));
        reported.Should().BeEquivalentTo(["before", "after"], "the tenant under the old name is gone and one under the new name appeared");
    }

    [Fact]
    public async Task AReportWaitsForTheFolderToBeQuietAndEachChangePushesItBack()
    {
        using var watcher = Watch(_root.FullName, FolderWatchScope.Files);

        watcher.OnError(new InternalBufferOverflowException());
        _time.Advance(s_quiet / 2);
        watcher.OnError(new InternalBufferOverflowException());
        _time.Advance(s_quiet / 2 + TimeSpan.FromMilliseconds(1));
        _reports.Reader.TryRead(out _).Should().BeFalse("a change half-way through the quiet period starts it again");

        _time.Advance(s_quiet / 2);
        (await NextReportAsync()).Should().BeNull();
        _reports.Reader.TryRead(out _).Should().BeFalse("two changes in one quiet period make one report");
    }

    [Fact]
    public async Task LostEventsReportThatAnythingMayHaveChangedAndStartPolling()
    {
        using var watcher = Watch(_root.FullName, FolderWatchScope.Files);

        // What the file system watcher raises when its kernel queue overflowed: the saves it lost are unknown.
        watcher.OnError(new InternalBufferOverflowException());
        _time.Advance(s_quiet);
        (await NextReportAsync()).Should().BeNull("the report names no folder: every folder is checked again");

        _time.Advance(EngineDefaults.ReloadPollingFallback);
        (await NextReportAsync()).Should().BeNull("from then on the folder is polled");
    }

    [Fact]
    public async Task WithoutLostEventsNothingIsPolled()
    {
        // Negative control for the test above: the poll comes from the error, not from the watcher's start.
        using var watcher = Watch(_root.FullName, FolderWatchScope.Files);

        _time.Advance(EngineDefaults.ReloadPollingFallback * 3);
        await Task.Delay(200);
        _reports.Reader.TryRead(out _).Should().BeFalse();
    }

    [Fact]
    public async Task AFolderThatCannotBeWatchedIsPolled()
    {
        using var watcher = Watch(Path.Combine(_root.FullName, "missing"), FolderWatchScope.Files);

        _time.Advance(EngineDefaults.ReloadPollingFallback);
        (await NextReportAsync()).Should().BeNull();
    }

    [Fact]
    public async Task PollingMoreOftenThanTheQuietPeriodStillReports()
    {
        var interval = s_quiet / 5;
        using var watcher = Watch(_root.FullName, FolderWatchScope.Files, interval);

        _time.Advance(interval);
        (await NextReportAsync()).Should().BeNull("each poll reports at once instead of pushing the report back");
        _time.Advance(interval);
        (await NextReportAsync()).Should().BeNull();
    }

    [Fact]
    public async Task ReportsRunOneAtATimeAndStopWithTheWatcher()
    {
        TaskCompletionSource[] gates = [new(), new(), new(), new()];
        var started = new List<CancellationToken>();
        var running = 0;
        var mostAtOnce = 0;
        var watcher = new FolderWatcher(_root.FullName, FolderWatchScope.Files, s_quiet, polling: null, async (_, token) =>
        {
            int call;
            lock (started)
            {
                started.Add(token);
                call = started.Count - 1;
            }

            mostAtOnce = Math.Max(mostAtOnce, Interlocked.Increment(ref running));
            await gates[call].Task;
            Interlocked.Decrement(ref running);
        }, _time, NullLogger.Instance);

        Change(watcher);
        Change(watcher);
        await Task.Delay(200);
        Started().Should().Be(1, "the second report waits for the first to finish");
        gates[0].SetResult();
        await WaitUntilAsync(() => Started() == 2);
        gates[1].SetResult();
        mostAtOnce.Should().Be(1);

        Change(watcher);
        await WaitUntilAsync(() => Started() == 3);
        Change(watcher);
        watcher.Dispose();
        started[2].IsCancellationRequested.Should().BeTrue("stopping the watcher cancels the report in progress");
        gates[2].SetResult();
        await Task.Delay(200);
        Started().Should().Be(3, "a report queued behind it does not run once the watcher stopped");

        int Started()
        {
            lock (started)
            {
                return started.Count;
            }
        }
    }

    [Fact]
    public async Task AReportThatBlocksItsThreadHoldsUpNoChange()
    {
        using var release = new ManualResetEventSlim();
        var calls = 0;
        using var watcher = new FolderWatcher(_root.FullName, FolderWatchScope.Files, s_quiet, polling: null, (_, _) =>
        {
            // As the host's tenant list does: a synchronous refresh that may load tenants for a while.
            if (Interlocked.Increment(ref calls) == 1)
            {
                release.Wait(TimeSpan.FromSeconds(30));
            }

            return Task.CompletedTask;
        }, _time, NullLogger.Instance);

        var first = Task.Run(() => Change(watcher));
        (await Task.WhenAny(first, Task.Delay(TimeSpan.FromSeconds(10)))).Should().BeSameAs(first, "the report runs on a thread of its own");
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 1);
        var second = Task.Run(() => Change(watcher));
        (await Task.WhenAny(second, Task.Delay(TimeSpan.FromSeconds(10)))).Should().BeSameAs(second, "a change during a slow report is taken at once");
        Volatile.Read(ref calls).Should().Be(1, "its report waits for the slow one");

        release.Set();
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 2);
    }

    private void Change(FolderWatcher watcher)
    {
        watcher.OnError(new InternalBufferOverflowException());
        _time.Advance(s_quiet);
    }

    private FolderWatcher Watch(string directory, FolderWatchScope scope, TimeSpan? polling = null) =>
        new(directory, scope, s_quiet, polling, (names, _) =>
        {
            _reports.Writer.TryWrite(names is null ? null : new HashSet<string>(names));
            return Task.CompletedTask;
        }, _time, NullLogger.Instance);

    /// <summary>Moves the fake clock past quiet periods until the reports so far name what <paramref name="enough"/> wants.</summary>
    private async Task<IReadOnlySet<string>> ReportedUntilAsync(Func<HashSet<string>, bool> enough)
    {
        var names = new HashSet<string>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!enough(names) && DateTime.UtcNow < deadline)
        {
            // File events arrive on the watcher's own thread, in real time: the quiet period is on the fake clock.
            await Task.Delay(50);
            _time.Advance(s_quiet);
            while (_reports.Reader.TryRead(out var report))
            {
                report.Should().NotBeNull("no event was lost");
                names.UnionWith(report!);
            }
        }

        return names;
    }

    private async Task<IReadOnlySet<string>?> NextReportAsync() =>
        await _reports.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        condition().Should().BeTrue();
    }
}
