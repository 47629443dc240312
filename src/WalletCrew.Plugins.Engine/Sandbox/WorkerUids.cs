using System.Globalization;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// The uids a root host's workers run as, one per running worker (<see cref="WorkerUser"/>): what the kernel counts per
/// user (pipe buffers, queued signals, processes where there is no pids group) is then each worker's own, so one tenant
/// taking its user's share takes nothing from another's. Each process claims a block of <see cref="BlockSize"/> uids from
/// <see cref="WorkerUser.FirstUid"/> up with an exclusive lock on <c>wcp-worker-uids-&lt;block&gt;</c> in
/// <see cref="LockFolder"/>, held until it ends, so two hosts on one machine never hand out the same uid; within its block,
/// the lowest free first, so a host uses as many as it runs workers at once, and a uid is free again once its worker has
/// ended. One pool per process (<see cref="Shared"/>): two engines in one process must not hand out the same uid.
/// </summary>
internal sealed class WorkerUids(string lockFolder) : IDisposable
{
    /// <summary>The uids of one process's block: more than a host runs workers at once.</summary>
    public const int BlockSize = 65_536;

    /// <summary>The blocks there are to claim: 0x70000000–0x73FFFFFF, well inside the range <see cref="WorkerUser.FirstUid"/> starts.</summary>
    public const int Blocks = 1_024;

    private const string LockPrefix = "wcp-worker-uids-";

    // The errno .NET reports (as the IOException's HResult) when a lock is held by another process.
    private const int WouldBlock = 11;

    private readonly Lock _gate = new();
    private readonly SortedSet<int> _free = [];
    private FileStream? _block;
    private int _next;
    private int _end;

    /// <summary>Gets the folder of the blocks' locks: <c>/run/lock</c>, the machine's, where it exists (a host's temporary
    /// folder may be its own), else the temporary folder.</summary>
    public static string LockFolder { get; } = Directory.Exists("/run/lock") ? "/run/lock" : Path.GetTempPath();

    /// <summary>Gets the pool every launcher of this process rents from.</summary>
    public static WorkerUids Shared { get; } = new(LockFolder);

    /// <summary>Takes a uid for a worker; disposing the lease, once the worker has ended, frees it.</summary>
    /// <exception cref="InvalidOperationException">Every block is held by another process, or the block is used up.</exception>
    public Lease Rent()
    {
        lock (_gate)
        {
            _block ??= Claim();
            if (_free.Min is var lowest and > 0 && _free.Remove(lowest))
            {
                return new Lease(this, lowest);
            }

            return _next < _end ? new Lease(this, _next++) : throw new InvalidOperationException(SandboxMessages.UidsUsedUp(BlockSize));
        }
    }

    /// <summary>Releases the block (the shared pool's is held until the process ends).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _block?.Dispose();
        }
    }

    // flock(LOCK_EX | LOCK_NB) on the block's file (what FileShare.None takes on Unix): a held block fails at once with
    // EWOULDBLOCK, and the kernel releases it when its holder ends, however it ends. Files are never deleted, so two
    // processes cannot lock two files of one name. Any other failure (a read-only folder) ends the claim: no block is safe.
    private FileStream Claim()
    {
        for (var block = 0; block < Blocks; block++)
        {
            var path = Path.Combine(lockFolder, LockPrefix + block.ToString(CultureInfo.InvariantCulture));
            try
            {
                var held = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                (_next, _end) = (WorkerUser.FirstUid + (block * BlockSize), WorkerUser.FirstUid + ((block + 1) * BlockSize));
                return held;
            }
            catch (IOException exception) when (exception.HResult == WouldBlock)
            {
                // Held by another process: the next block.
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException(SandboxMessages.UidLockFailed(path, exception.Message), exception);
            }
        }

        throw new InvalidOperationException(SandboxMessages.NoUidBlock(Blocks, lockFolder));
    }

    private void Return(int uid)
    {
        lock (_gate)
        {
            _free.Add(uid);
        }
    }

    /// <summary>A worker's uid, held until the worker has ended.</summary>
    internal sealed class Lease(WorkerUids owner, int uid) : IDisposable
    {
        private int _returned;

        public int Uid { get; } = uid;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                owner.Return(Uid);
            }
        }
    }
}
