namespace WalletCrew.Plugins.Engine;

/// <summary>The engine's default limits, in one place (SPEC §4; the research notes' proposals where the SPEC is silent).</summary>
internal static class EngineDefaults
{
    public static readonly TimeSpan InvocationTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Registration runs once per version and may JIT the engine's paths on a busy machine: its own limit, not a hook's.</summary>
    public static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The match timeout of every regular expression in the process (tenant code cannot pass its own): a catastrophic
    /// pattern ends with <c>RegexMatchTimeoutException</c> instead of spinning a thread past the invocation's end.</summary>
    public static readonly TimeSpan RegexMatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Compiling one script, in the compiler's processor time: a normal script compiles in well under a second once the
    /// compiler is warm; a few seconds cold.</summary>
    public static readonly TimeSpan CompileTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How many times <see cref="CompileTimeout"/> a compile may take in wall time: a host too busy to give the compiler
    /// a core slows an honest compile without making it a bomb, and a compile that gets no processor time at all still ends.</summary>
    public const int CompileWallTimeFactor = 4;

    /// <summary>The GC heap of a compiler process: the compiler, its references and one script need about 150 MiB.</summary>
    public const long CompileMemoryLimitBytes = 1024L * 1024 * 1024;

    public static readonly TimeSpan ReloadDebounce = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan ReloadPollingFallback = TimeSpan.FromSeconds(2);

    /// <summary>How long after its release a version still in memory counts as a zombie, if full collections ran meanwhile.</summary>
    public static readonly TimeSpan ZombieGracePeriod = TimeSpan.FromSeconds(30);

    /// <summary>How many full collections must run after a release before a context still alive counts as a zombie: the first
    /// finds the unloaded context's allocator unreachable and queues its finalizer, a later one frees the context.</summary>
    public const int ZombieFullCollections = 2;

    public const int OutboundCallsPerInvocation = 20;

    public const int ConcurrentInvocations = 32;

    public const int MaxLogEntriesPerInvocation = 1_000;

    public const int LogBytesPerInvocation = 16 * 1024;

    public const int ResponseBodyLimitBytes = 1024 * 1024;

    /// <summary>Email templates: the largest template file read, in bytes.</summary>
    public const int EmailTemplateFileBytes = 256 * 1024;

    /// <summary>Email templates: the Liquid steps one rendering may run (loops over the request's data, not runaway ranges).</summary>
    public const int EmailTemplateSteps = 1_000_000;

    /// <summary>Email templates: the most characters one subject or body may render to.</summary>
    public const int EmailTemplateOutputChars = 2 * 1024 * 1024;

    /// <summary>Email templates: the most items one Liquid operation may materialize (a range, a split).</summary>
    public const int EmailTemplateCollectionItems = 100_000;

    public const int RequestBodyLimitBytes = 256 * 1024;

    /// <summary>Where the host and the CLI run tenant code unless configured: in a sandboxed worker when bubblewrap works here.</summary>
    public const IsolationMode Isolation = IsolationMode.Auto;

    /// <summary>Sandboxed workers: how many may run at once before the least recently used idle one is stopped.</summary>
    public const int MaxWorkers = 64;

    /// <summary>Sandboxed workers: how many spares are kept started for the next tenant whose worker starts.</summary>
    public const int SpareWorkers = 1;

    /// <summary>Sandboxed workers: how long a worker with nothing to do stays warm.</summary>
    public static readonly TimeSpan WorkerIdleTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Sandboxed workers: the GC heap hard limit of each worker.</summary>
    public const long WorkerHeapLimitBytes = 256L * 1024 * 1024;

    /// <summary>Sandboxed workers: what a worker's memory may exceed its heap limit by (runtime, JIT, code, native allocations): past
    /// it, its data segment is full and the host kills it on its resident memory (<c>WorkerLauncher.MemoryLimitBytes</c>).</summary>
    public const long WorkerRssOverheadBytes = 192L * 1024 * 1024;

    /// <summary>Sandboxed workers: the calls to the host a worker's code may make for one request beyond the host's most
    /// outbound calls per invocation (secrets not sent along, and a load's calls); one more kills the worker. Code within
    /// the policy never gets there: its <c>fetch</c> fails at its own limit first.</summary>
    public const int HostCallsBeyondFetch = 10_000;

    /// <summary>The longest name a secret may be asked by (<c>getSecret</c>, in either mode); a longer one is refused.</summary>
    public const int SecretNameChars = 1024;

    /// <summary>Sandboxed workers: what one <c>fetch</c> from a worker may carry beside the host's largest request body
    /// (method, URL and headers); one larger kills the worker. Code within the policy never gets near it.</summary>
    public const int FetchCallOverheadChars = 1024 * 1024;

    /// <summary>Sandboxed workers: how many cores each worker's threads may use together: a quarter of the machine's, at
    /// least half a core (on 2 cores a cap of 1 left a spinning tenant more than the nice level alone did, benchmarks.md §6).</summary>
    public static readonly double WorkerCpuCores = Math.Max(0.5, Environment.ProcessorCount / 4.0);

    /// <summary>Sandboxed workers: the memory all workers together may hold, with what the kernel holds for them (their memory
    /// groups' parent): three quarters of what the host's process may use (the machine's memory, or its container's limit),
    /// so workers at their limits together make the kernel stop one of them rather than the host or its database.</summary>
    public static readonly long WorkersMemoryLimitBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 * 3;

    /// <summary>Sandboxed workers: how many threads and processes a worker may run together (its pids group); one more fails
    /// to start. An idle worker runs ~11 threads, and a tenant's calls at its highest concurrency a few dozen more.</summary>
    public const int WorkerTasks = 512;

    /// <summary>Sandboxed workers: how many of a worker's fetches the host sends at once, each answer held until the worker has
    /// read it; the rest wait their turn. A worker that stops reading its channel after asking for many large answers would
    /// otherwise have the host hold all of them (a request's 100 calls of up to 10 MiB each, per invocation) in the host's
    /// memory, counted against no worker.</summary>
    public const int WorkerConcurrentFetches = 8;

    /// <summary>Sandboxed workers: how many files, pipes and other descriptors a worker may hold open at once
    /// (<c>RLIMIT_NOFILE</c>, soft and hard: the runtime cannot raise it); one more fails to open. A worker holds ~30 of its own.
    /// Each pipe may hold 64 KiB of the kernel's memory, so the host's own limit (often a million) would let one tenant hold
    /// gigabytes of it where no memory group bounds its worker.</summary>
    public const int WorkerOpenFiles = 1024;

    /// <summary>Sandboxed workers: how many signals a worker may have queued and not yet taken (<c>RLIMIT_SIGPENDING</c>, soft
    /// and hard). The kernel counts them per user, and a worker whose user is the host's (a host run as a user of its own)
    /// had taken all 96,366 of that user's, leaving the host's runtime none for the signals it suspends threads with for a
    /// collection. A worker's runtime has one queued per thread at most, briefly.</summary>
    public const int WorkerPendingSignals = 1024;

    /// <summary>Sandboxed workers: how many threads and processes all workers together may run (their pids groups' parent):
    /// half of the machine's process ids (the lower of <c>kernel.pid_max</c> and <c>kernel.threads-max</c>), so workers at
    /// their limits together (64 × 512 is all of the default 32,768) leave the host and the rest of the machine the other half.</summary>
    public static readonly int WorkersTasks = MachineTasks() / 2;

    /// <summary>Sandboxed workers: how long past its deadline an invocation may go on before the host kills its worker.</summary>
    public static readonly TimeSpan WorkerKillGrace = TimeSpan.FromSeconds(2);

    // The lower of the kernel's limits on process ids and threads; its default pid_max where neither can be read.
    private static int MachineTasks() =>
        new[] { "/proc/sys/kernel/pid_max", "/proc/sys/kernel/threads-max" }.Select(KernelNumber).Where(value => value > 0).DefaultIfEmpty(32_768).Min();

    private static int KernelNumber(string file)
    {
        try
        {
            return int.TryParse(File.ReadAllText(file).Trim(), System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : 0;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return 0; // not Linux, or hidden
        }
    }

    /// <summary>The host maxima: how far a tenant's tenant.json may raise each limit.</summary>
    public static class Maxima
    {
        public static readonly TimeSpan InvocationTimeout = TimeSpan.FromSeconds(60);

        public const int OutboundCallsPerInvocation = 100;

        public const int ConcurrentInvocations = 256;

        public const int LogEntriesPerInvocation = 10_000;

        public const int LogBytesPerInvocation = 1024 * 1024;

        public const int RequestBodyBytes = 1024 * 1024;

        public const int ResponseBodyBytes = 10 * 1024 * 1024;

        public const int WorkerHeapMiB = 1024;
    }
}
