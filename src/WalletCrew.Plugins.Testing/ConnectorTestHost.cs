using System.Text.Json;
using WalletCrew.Plugins.Engine;

namespace WalletCrew.Plugins.Testing;

/// <summary>
/// One tenant folder (its scripts and plugins) loaded in this process with the engine's default policy and limits, as the
/// host would run it: give it secrets and canned partner answers, invoke its hooks, Fill and SendEmail, and assert on the results.
/// </summary>
/// <remarks>Invocations on one host are meant to run one at a time: each result lists the requests sent since it started.</remarks>
public sealed class ConnectorTestHost : IDisposable
{
    private readonly ConnectorEngine _engine;
    private readonly TenantConnectors _tenant;
    private readonly InMemorySecretSource _secrets;
    private readonly PartnerAnswers _answers;
    private readonly RequestLog _requests;

    private ConnectorTestHost(ConnectorEngine engine, TenantConnectors tenant, InMemorySecretSource secrets, PartnerAnswers answers, RequestLog requests)
    {
        _engine = engine;
        _tenant = tenant;
        _secrets = secrets;
        _answers = answers;
        _requests = requests;
    }

    /// <summary>Gets the tenant id: the name of the tenant folder.</summary>
    public string TenantId => _tenant.TenantId;

    /// <summary>Gets what the connectors wrote to the tenant log while they loaded.</summary>
    public IReadOnlyList<string> LoadLog => [.. _tenant.LoadLog.Select(entry => entry.ToString())];

    /// <summary>Gets every request the connectors sent through this host so far, in order.</summary>
    public IReadOnlyList<SentRequest> Requests => _requests.From(0);

    /// <summary>Loads a tenant folder (<c>server/script/**/*.csx</c> and <c>server/plugins/</c>), named by the tenant id.</summary>
    /// <param name="tenantDirectory">The tenant folder.</param>
    /// <param name="options">The host's settings; the defaults when <see langword="null"/>.</param>
    /// <returns>The loaded tenant.</returns>
    /// <exception cref="ConnectorLoadException">The folder has errors; the message lists them as <c>file(line,col): error CODE: message</c>.</exception>
    public static ConnectorTestHost Load(string tenantDirectory, ConnectorTestOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantDirectory);
        var sendUnmatched = options?.SendUnmatchedRequests ?? false;
        var secrets = new InMemorySecretSource();
        var answers = new PartnerAnswers();
        var requests = new RequestLog();
        var engine = new ConnectorEngine(new ConnectorEngineOptions
        {
            Secrets = secrets,
            AllowLoopback = sendUnmatched,
            Isolation = IsolationMode.InProcess,
            HttpHandlerWrapper = inner => new PartnerHandler(inner, answers, requests, sendUnmatched),
        });
        var tenant = engine.LoadTenant(tenantDirectory);
        if (tenant.HasErrors)
        {
            var diagnostics = tenant.Diagnostics.Where(d => d.IsError).ToList();
            tenant.Dispose();
            engine.Dispose();
            throw new ConnectorLoadException(Path.GetFullPath(tenantDirectory), diagnostics);
        }

        return new ConnectorTestHost(engine, tenant, secrets, answers, requests);
    }

    /// <summary>Sets a secret the connectors read with <c>getSecret</c>.</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="value">Its value; the tenant log shows it redacted.</param>
    public void SetSecret(string name, string value) => _secrets.Set(TenantId, name, value);

    /// <summary>Answers every request to <paramref name="url"/> with <paramref name="method"/>, in place of the partner; replaces an earlier answer for the same route.</summary>
    /// <param name="method">The HTTP method, such as <c>POST</c> (any case).</param>
    /// <param name="url">The absolute URL the connector calls, query included.</param>
    /// <param name="status">The status code.</param>
    /// <param name="body">The response body.</param>
    /// <param name="headers">Response headers, such as <c>Content-Type</c> or <c>Retry-After</c>.</param>
    public void Answer(string method, string url, int status = 200, string body = "", IReadOnlyDictionary<string, string>? headers = null) =>
        _answers.Set(method, url, new CannedAnswer(status, body, headers ?? new Dictionary<string, string>()));

    /// <summary>Runs the tenant's <c>OnPassInstalled</c> hooks once, as when a pass is added to a wallet.</summary>
    /// <param name="passId">The pass id.</param>
    /// <param name="identifiers">The pass's identifiers, such as <c>customerId</c>.</param>
    /// <param name="passType">The pass type.</param>
    /// <param name="device">The wallet.</param>
    /// <param name="cancellationToken">Stops the invocation.</param>
    /// <returns>What the hooks did.</returns>
    public Task<ConnectorTestResult> InstallAsync(
        string passId, IReadOnlyDictionary<string, string>? identifiers = null, string passType = "loyalty", Device device = Device.Apple, CancellationToken cancellationToken = default) =>
        InvokePassUpdatersAsync(installed: true, passId, identifiers, passType, device, cancellationToken);

    /// <summary>Runs the tenant's <c>OnPassUninstalled</c> hooks once, as when a pass is removed from a wallet.</summary>
    /// <param name="passId">The pass id.</param>
    /// <param name="identifiers">The pass's identifiers, such as <c>customerId</c>.</param>
    /// <param name="passType">The pass type.</param>
    /// <param name="device">The wallet.</param>
    /// <param name="cancellationToken">Stops the invocation.</param>
    /// <returns>What the hooks did.</returns>
    public Task<ConnectorTestResult> UninstallAsync(
        string passId, IReadOnlyDictionary<string, string>? identifiers = null, string passType = "loyalty", Device device = Device.Apple, CancellationToken cancellationToken = default) =>
        InvokePassUpdatersAsync(installed: false, passId, identifiers, passType, device, cancellationToken);

    /// <summary>Runs a customer provider's <c>Fill</c> once.</summary>
    /// <param name="providerName">The provider's name (the last part of <c>runtime.scriptable.customerProvider.&lt;name&gt;</c>).</param>
    /// <param name="passId">The pass id.</param>
    /// <param name="identifiers">The pass's identifiers, such as <c>customerId</c>.</param>
    /// <param name="data">The pass's current data: an object serialized to JSON, such as <c>new { points = 10 }</c>.</param>
    /// <param name="passType">The pass type.</param>
    /// <param name="cancellationToken">Stops the invocation.</param>
    /// <returns>What the provider did; <see cref="ConnectorTestResult.Data"/> holds the data it returned.</returns>
    public async Task<ConnectorTestResult> FillAsync(
        string providerName, string passId, IReadOnlyDictionary<string, string>? identifiers = null, object? data = null, string passType = "loyalty",
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        var request = ConnectorInputs.Fill(TenantId, passId, passType, Copy(identifiers), ToJsonObject(data, nameof(data)));
        return await RecordAsync(token => _tenant.FillAsync(providerName, request, token), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the tenant's <c>SendEmail</c> once, with its templates under <c>server/email/</c>.</summary>
    /// <param name="recipient">The target email address.</param>
    /// <param name="emailTemplate">The template name (<c>server/email/&lt;template&gt;[.&lt;culture&gt;].liquid</c>).</param>
    /// <param name="data">The template data: an object serialized to JSON, such as <c>new { firstName = "Ada" }</c>.</param>
    /// <param name="cultures">The cultures to render in, preferred first.</param>
    /// <param name="cancellationToken">Stops the invocation.</param>
    /// <returns>What the sender did.</returns>
    public async Task<ConnectorTestResult> SendEmailAsync(
        string recipient, string emailTemplate, object? data = null, IReadOnlyList<string>? cultures = null, CancellationToken cancellationToken = default)
    {
        var request = ConnectorInputs.Email(TenantId, "test-" + Guid.NewGuid().ToString("N"), recipient, emailTemplate, ToJsonObject(data, nameof(data)), cultures ?? []);
        return await RecordAsync(token => _tenant.SendEmailAsync(request, token), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _tenant.Dispose();
        _engine.Dispose();
    }

    private async Task<ConnectorTestResult> InvokePassUpdatersAsync(
        bool installed, string passId, IReadOnlyDictionary<string, string>? identifiers, string passType, Device device, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(passId);
        var e = ConnectorInputs.InstallationEvent(new EventData(
            EventId: "test-" + Guid.NewGuid().ToString("N"), TenantId: TenantId, PassId: passId, PassType: passType, Identifiers: Copy(identifiers),
            Device: device, Installed: installed, ActiveRegistrationCount: 1, TotalRegistrationCount: 1,
            Tags: null, Medium: null, Origin: null, UserAgent: null, OccurredAt: TimeProvider.System.GetUtcNow(), Attempt: 1));
        return await RecordAsync(token => _tenant.InvokePassUpdatersAsync(e, token), cancellationToken).ConfigureAwait(false);
    }

    private async Task<ConnectorTestResult> RecordAsync(Func<CancellationToken, Task<InvocationResult>> invoke, CancellationToken cancellationToken)
    {
        var start = _requests.Count;
        var result = await invoke(cancellationToken).ConfigureAwait(false);
        return new ConnectorTestResult(result, _requests.From(start));
    }

    private static Dictionary<string, string> Copy(IReadOnlyDictionary<string, string>? identifiers) =>
        identifiers is null ? new(StringComparer.Ordinal) : new(identifiers, StringComparer.Ordinal);

    private static Dictionary<string, JsonElement> ToJsonObject(object? data, string parameterName)
    {
        if (data is null)
        {
            return [];
        }

        var element = JsonSerializer.SerializeToElement(data);
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"The data must serialize to a JSON object, such as new {{ points = 10 }}, not a JSON {element.ValueKind}.", parameterName);
        }

        return element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }
}
