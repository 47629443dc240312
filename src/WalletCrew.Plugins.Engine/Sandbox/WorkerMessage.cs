using System.Text.Json.Serialization;

namespace WalletCrew.Plugins.Engine.Sandbox;

/// <summary>
/// One frame of the host–worker channel. Requests carry an id chosen by their sender; the answer carries the same id.
/// The host sends <see cref="LoadMessage"/>, <see cref="ReloadMessage"/>, <see cref="InvokeMessage"/>, <see cref="FillMessage"/>,
/// <see cref="EmailMessage"/>, <see cref="CancelMessage"/> and answers the worker's <see cref="FetchCall"/> and <see cref="SecretCall"/>.
/// </summary>
/// <remarks>The protocol is described in docs/architecture.md ("The worker channel").</remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "t")]
[JsonDerivedType(typeof(LoadMessage), "load")]
[JsonDerivedType(typeof(ReloadMessage), "reload")]
[JsonDerivedType(typeof(InvokeMessage), "invoke")]
[JsonDerivedType(typeof(FillMessage), "fill")]
[JsonDerivedType(typeof(EmailMessage), "email")]
[JsonDerivedType(typeof(CancelMessage), "cancel")]
[JsonDerivedType(typeof(TenantStateReply), "state")]
[JsonDerivedType(typeof(InvocationReply), "result")]
[JsonDerivedType(typeof(FetchCall), "fetch")]
[JsonDerivedType(typeof(FetchReply), "fetched")]
[JsonDerivedType(typeof(SecretCall), "secret")]
[JsonDerivedType(typeof(SecretReply), "secretValue")]
[JsonDerivedType(typeof(CompileMessage), "compile")]
[JsonDerivedType(typeof(CompiledReply), "compiled")]
[JsonDerivedType(typeof(CompilerReady), "ready")]
internal abstract record WorkerMessage(long Id);

/// <summary>Host → worker: load the tenant's connectors from its compiled images.</summary>
internal sealed record LoadMessage(long Id, WorkerSettings Settings) : WorkerMessage(Id);

/// <summary>Host → worker: rescan the tenant's files and put changed connectors live (a broken save keeps the working version).</summary>
internal sealed record ReloadMessage(long Id) : WorkerMessage(Id);

/// <summary>Host → worker: run the pass updaters for an event, with the current values of the secrets the tenant asked for before.</summary>
internal sealed record InvokeMessage(long Id, EventData Event, IReadOnlyDictionary<string, string?>? Secrets = null) : WorkerMessage(Id);

/// <summary>Host → worker: run a customer provider, with the current values of the secrets the tenant asked for before.</summary>
internal sealed record FillMessage(long Id, string Provider, FillData Request, IReadOnlyDictionary<string, string?>? Secrets = null) : WorkerMessage(Id);

/// <summary>Host → worker: run the email sender; the worker renders the templates from the tenant's files it sees read-only.</summary>
internal sealed record EmailMessage(long Id, EmailData Request, IReadOnlyDictionary<string, string?>? Secrets = null) : WorkerMessage(Id);

/// <summary>Host → worker: cancel the invocation whose request had this id.</summary>
internal sealed record CancelMessage(long Id) : WorkerMessage(Id);

/// <summary>Worker → host: the tenant's connectors after a load or reload.</summary>
internal sealed record TenantStateReply(long Id, bool Changed, TenantState State) : WorkerMessage(Id);

/// <summary>Worker → host: how an invocation ended; <paramref name="WorkerEnding"/> when the worker exits right after (its heap is
/// spent); <paramref name="Cancelled"/> when the host cancelled it (the reply then says only that the engine is done with it),
/// and <paramref name="Abandoned"/> when the engine stopped waiting for the cancelled code at the deadline: it may still run.</summary>
internal sealed record InvocationReply(long Id, InvocationStatus Status, string? Error, IReadOnlyList<TenantLogEntry> Log, string? Data, long? RetryAfterMs, bool WorkerEnding = false, bool Cancelled = false, bool Abandoned = false) : WorkerMessage(Id);

/// <summary>A worker's call to the host, made for the host's request <see cref="InvocationId"/> (an invocation, or the load
/// whose code makes it): the host answers only calls for a request of its that is running, and only so many per request.</summary>
internal interface IHostCall
{
    long InvocationId { get; }
}

/// <summary>Worker → host: send this HTTP request for the host's request <paramref name="InvocationId"/>.</summary>
internal sealed record FetchCall(long Id, long InvocationId, string Method, string Url, IReadOnlyList<HeaderData> Headers, byte[]? Body) : WorkerMessage(Id), IHostCall;

/// <summary>Host → worker: the answer to a <see cref="FetchCall"/>, or the error that stopped it.</summary>
internal sealed record FetchReply(long Id, int Status, string? Reason, IReadOnlyList<HeaderData> Headers, byte[]? Body, FetchFailure? Failure) : WorkerMessage(Id);

/// <summary>Worker → host: the tenant's secret of this name, for the host's request <paramref name="InvocationId"/>.</summary>
internal sealed record SecretCall(long Id, long InvocationId, string Name) : WorkerMessage(Id), IHostCall;

/// <summary>Host → worker: the secret's value, or <see langword="null"/> when the tenant has none of that name.</summary>
internal sealed record SecretReply(long Id, string? Value) : WorkerMessage(Id);

/// <summary>Host → compiler process: compile and check one script (the worker program's <c>compile</c> mode; no tenant code runs there).</summary>
/// <param name="TimeoutMs">The compile-time limit; the process ends by itself a little after it, should the host be gone.</param>
internal sealed record CompileMessage(long Id, string TenantId, string DisplayPath, string Text, IReadOnlyList<string> AdditionalReferences, bool Checkpoints, long TimeoutMs) : WorkerMessage(Id);

/// <summary>Compiler process → host: the image (null when the script failed), the source map's insertions as (position, length) pairs, and the diagnostics.</summary>
internal sealed record CompiledReply(long Id, byte[]? Image, IReadOnlyList<int[]> Insertions, IReadOnlyList<ConnectorDiagnostic> Diagnostics) : WorkerMessage(Id);

/// <summary>Compiler process → host, once at start: the compiler is loaded and warm, so compile-time bounds measure scripts, not the start.</summary>
internal sealed record CompilerReady(long Id) : WorkerMessage(Id);

/// <summary>One header of a request or response; a header with several values appears once per value.</summary>
internal sealed record HeaderData(string Name, string Value);

/// <summary>Why the host did not send a fetch or read its answer, so the worker throws what in-process code would.</summary>
internal sealed record FetchFailure(FetchFailureKind Kind, string Message, long Limit = 0, long Used = 0, string? Setting = null, string? Host = null, int Port = 0);

/// <summary>The kinds of <see cref="FetchFailure"/>.</summary>
internal enum FetchFailureKind
{
    /// <summary>The egress rules refused the destination.</summary>
    Egress,

    /// <summary>A body or call-count limit.</summary>
    Limit,

    /// <summary>The request was invalid (URL, header).</summary>
    Invalid,

    /// <summary>The connection or the exchange failed.</summary>
    Http,

    /// <summary>The invocation ended or was cancelled first.</summary>
    Canceled,
}

/// <summary>What the worker needs to load a tenant: where its files and images are (inside the sandbox) and the host's limits.</summary>
internal sealed record WorkerSettings(
    string TenantDirectory,
    string? CacheDirectory,
    string? CacheBuildKey,
    bool Checkpoints,
    long InvocationTimeoutMs,
    long LoadTimeoutMs,
    int OutboundCallsPerInvocation,
    int ConcurrentInvocations,
    int LogEntriesPerInvocation,
    int LogBytesPerInvocation,
    LimitMaxima Maxima);

/// <summary>A <see cref="FillRequest"/> on the wire (data as a JSON object text).</summary>
internal sealed record FillData(string TenantId, string PassId, string PassType, IReadOnlyDictionary<string, string> Identifiers, string Data);

/// <summary>An <see cref="EmailRequest"/> on the wire (data as a JSON object text); the worker binds its templates.</summary>
internal sealed record EmailData(string TenantId, string EmailId, string Recipient, string EmailTemplate, string Data, IReadOnlyList<string> Cultures);

/// <summary>A tenant's connectors as the worker loaded them.</summary>
internal sealed record TenantState(
    long Generation,
    IReadOnlyList<ConnectorDiagnostic> Diagnostics,
    IReadOnlyList<ConnectorInfo> Connectors,
    IReadOnlyList<TenantLogEntry> LoadLog,
    int PassUpdaterCount,
    IReadOnlyList<string> CustomerProviders,
    bool HasEmailSender = false);
